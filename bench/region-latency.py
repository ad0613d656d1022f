#!/usr/bin/env python3
"""Write-to-visible latency between two regions: write a fresh counter on one region's edge, poll
the other region's edge until the write shows. Usage: region-latency.py <src edge> <dst edge> <n>"""
import json, sys, time, urllib.request

def put(base, key):
    r = urllib.request.Request(base + "/v1/" + key, data=b'{"action":"increment"}', method="PUT")
    return json.load(urllib.request.urlopen(r))

def get(base, key):
    return json.load(urllib.request.urlopen(base + "/v1/" + key))["count"]

src, dst, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
lat = []
for i in range(n):
    key = "lat-%d-%d/views" % (int(time.time() * 1000), i)
    put(src, key)
    t0 = time.perf_counter()
    while get(dst, key) < 1:
        time.sleep(0.002)
    lat.append((time.perf_counter() - t0) * 1000)
lat.sort()
print("n=%d p50=%.0f p90=%.0f p99=%.0f max=%.0f ms" % (
    n, lat[n // 2], lat[int(n * 0.9)], lat[min(n - 1, int(n * 0.99))], lat[-1]))
