-- wrk script: PUT an increment to the URL given on the command line.
wrk.method = "PUT"
wrk.body = '{"action":"increment"}'
wrk.headers["Content-Type"] = "application/json"
