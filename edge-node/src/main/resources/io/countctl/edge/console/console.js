// The Count console: watches counters of this edge over ONE Server-Sent Events connection
// (GET /v1/stream?counters=id/counter,…), writes with PUT, and shows each counter's unique count,
// top items and per-region counts, read again as its count changes (at most once a second each).
// Plain JavaScript, no build step, no dependencies. The list lives in the URL (#id/counter,…).
"use strict";

(() => {
  const MAX_COUNTERS = 100; // COUNT_SSE_MAX_COUNTERS' default: most counters on one stream
  const DETAILS_EVERY_MS = 1000;
  const $ = (id) => document.getElementById(id);
  const list = $("counters");
  const status = $("status");
  const cards = new Map(); // "id/counter" -> {id, counter, el, count, detailsAt, detailsTimer}
  let source = null;

  const keyOf = (id, counter) => id + "/" + counter;
  const path = (c) => "/v1/" + encodeURIComponent(c.id) + "/" + encodeURIComponent(c.counter);

  function setStatus(text) {
    status.textContent = text;
  }

  function showError(el, text) {
    el.textContent = text || "";
    el.hidden = !text;
  }

  /** The edge's error body {"error":{"code","message"}} as a line, or the HTTP status. */
  async function problem(response) {
    try {
      const body = await response.json();
      if (body && body.error) return body.error.message + " (" + body.error.code + ")";
    } catch (e) { /* not JSON */ }
    return "HTTP " + response.status;
  }

  function add(id, counter) {
    const key = keyOf(id, counter);
    if (cards.has(key)) {
      cards.get(key).el.querySelector("[data-action=inc]").focus();
      return true;
    }
    if (cards.size >= MAX_COUNTERS) {
      showError($("add-error"), "One stream watches at most " + MAX_COUNTERS + " counters.");
      return false;
    }
    const el = $("card").content.firstElementChild.cloneNode(true);
    el.dataset.key = key;
    el.querySelector(".name").textContent = key;
    el.querySelector("[data-action=inc]").setAttribute("aria-label", "Add 1 to " + key);
    el.querySelector("[data-action=dec]").setAttribute("aria-label", "Subtract 1 from " + key);
    el.querySelector("[data-action=remove]").setAttribute("aria-label", "Stop watching " + key);
    const c = { id, counter, el, count: null, detailsAt: 0, detailsTimer: null, detailsWanted: false };
    cards.set(key, c);
    list.append(el);
    $("empty").hidden = true;
    details(c);
    return true;
  }

  function remove(key) {
    const c = cards.get(key);
    if (!c) return;
    clearTimeout(c.detailsTimer);
    c.el.remove();
    cards.delete(key);
    $("empty").hidden = cards.size > 0;
    changed();
    $("id").focus();
  }

  /** The list changed: remember it in the URL and replace the one stream by one for the new list. */
  function changed() {
    const keys = [...cards.keys()];
    const hash = keys.map(encodeURIComponent).join(",");
    if (location.hash.slice(1) !== hash) history.replaceState(null, "", hash ? "#" + hash : location.pathname);
    if (source) source.close();
    source = null;
    if (keys.length === 0) {
      setStatus("Not watching anything yet.");
      return;
    }
    source = new EventSource("/v1/stream?counters=" + encodeURIComponent(keys.join(",")));
    const watching = () => "Live: watching " + keys.length + " counter" + (keys.length === 1 ? "" : "s") + " over one connection.";
    setStatus("Connecting…");
    source.onopen = () => setStatus(watching());
    source.onerror = () => setStatus(source.readyState === EventSource.CLOSED
        ? "The stream was refused; reload to try again." : "Connection lost; reconnecting…");
    source.addEventListener("count", (e) => {
      const event = JSON.parse(e.data);
      const c = cards.get(keyOf(event.id, event.counter));
      if (c) show(c, event.count_string || String(event.count), event.updated_at);
    });
  }

  function show(c, count, updatedAt) {
    const el = c.el.querySelector(".count");
    if (c.count !== null && c.count !== count) {
      el.classList.add("changed");
      requestAnimationFrame(() => requestAnimationFrame(() => el.classList.remove("changed")));
    }
    c.count = count;
    el.textContent = count;
    c.el.querySelector(".updated").textContent = updatedAt ? "updated " + new Date(updatedAt).toLocaleTimeString() : "";
    details(c);
  }

  async function write(c, action, button) {
    const body = { action };
    const user = $("user").value.trim();
    const item = $("item").value.trim();
    if (action === "increment" && user) body.user = user;
    if (action === "increment" && item) body.item = item;
    const error = c.el.querySelector(".error");
    button.disabled = true;
    try {
      const r = await fetch(path(c), {
        method: "PUT",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify(body),
      });
      if (!r.ok) {
        showError(error, await problem(r));
        return;
      }
      showError(error, "");
      const reply = await r.json();
      show(c, reply.count_string || String(reply.count), reply.updated_at);
    } catch (e) {
      showError(error, "The edge cannot be reached: " + e.message);
    } finally {
      button.disabled = false;
      button.focus();
    }
  }

  /**
   * Reads the unique count, top items and regions again: at once, or DETAILS_EVERY_MS after the
   * last read; a change seen while a read is under way reads them once more after it.
   */
  function details(c) {
    c.detailsWanted = true;
    if (c.detailsTimer) return;
    const wait = Math.max(0, c.detailsAt + DETAILS_EVERY_MS - Date.now());
    c.detailsTimer = setTimeout(async () => {
      c.detailsWanted = false;
      c.detailsAt = Date.now();
      try {
        await Promise.all([unique(c), top(c), regions(c)]);
      } finally {
        c.detailsTimer = null;
        if (c.detailsWanted && cards.get(keyOf(c.id, c.counter)) === c) details(c);
      }
    }, wait);
  }

  async function readJson(url) {
    const r = await fetch(url);
    if (!r.ok) throw new Error(await problem(r));
    return r.json();
  }

  async function unique(c) {
    const el = c.el.querySelector(".unique");
    try {
      const u = await readJson(path(c) + "/unique");
      el.textContent = u.estimate === 0 ? "0 (writes carry no user yet)"
          : "≈ " + Math.round(u.estimate) + " (95 %: " + Math.floor(u.lower) + "–" + Math.ceil(u.upper) + ")";
    } catch (e) {
      el.textContent = e.message;
    }
  }

  async function top(c) {
    const ol = c.el.querySelector(".top");
    const none = c.el.querySelector(".top-none");
    try {
      const t = await readJson(path(c) + "/top?by=item&k=5");
      ol.replaceChildren(...t.top.map((e) => {
        const li = document.createElement("li");
        li.textContent = e.value + " — " + Math.round(e.estimate);
        return li;
      }));
      none.textContent = t.top.length ? "" : "no items yet";
    } catch (e) {
      ol.replaceChildren();
      none.textContent = e.message;
    }
  }

  async function regions(c) {
    const body = c.el.querySelector(".regions tbody");
    try {
      const r = await readJson(path(c) + "/regions");
      body.replaceChildren(...r.regions.map((region) => {
        const tr = document.createElement("tr");
        for (const text of [region.region + (region.local ? " (here)" : ""), String(region.count)]) {
          const td = document.createElement("td");
          td.textContent = text;
          tr.append(td);
        }
        return tr;
      }));
    } catch (e) {
      const tr = document.createElement("tr");
      const td = document.createElement("td");
      td.textContent = e.message;
      tr.append(td);
      body.replaceChildren(tr);
    }
  }

  $("add").addEventListener("submit", (e) => {
    e.preventDefault();
    const id = $("id").value.trim();
    const counter = $("counter").value.trim();
    const bad = /[\/,\s\p{Cc}]/u; // what the edge refuses in a key (CounterKey)
    if (!id || !counter || bad.test(id) || bad.test(counter)) {
      showError($("add-error"), "Id and counter are needed, without '/', ',', spaces or control characters.");
      return;
    }
    showError($("add-error"), "");
    if (add(id, counter)) changed();
    $("counter").select();
  });

  list.addEventListener("click", (e) => {
    const button = e.target.closest("button[data-action]");
    if (!button) return;
    const key = button.closest(".card").dataset.key;
    const c = cards.get(key);
    if (!c) return;
    if (button.dataset.action === "remove") remove(key);
    else write(c, button.dataset.action === "inc" ? "increment" : "decrement", button);
  });

  // Counters named in the URL: /console/#post-1/likes,post-2/views
  for (const part of location.hash.slice(1).split(",")) {
    const key = decodeURIComponent(part);
    const slash = key.indexOf("/");
    if (slash > 0 && slash < key.length - 1) add(key.slice(0, slash), key.slice(slash + 1));
  }
  if (cards.size) changed();
})();
