/* daks dashboard: what the three pages share. Plain JavaScript, no build step.
 *
 * Every figure comes from the daks API, as any client gets it; a key (retailer or staff)
 * travels in the Authorization header and is kept in this tab's sessionStorage only.
 * Suppressed values are null in the API and stay null here: a hatched band, never a zero.
 */
"use strict";

window.daks = (function () {
  const words = JSON.parse(document.getElementById("daks-words").textContent);
  const lang = document.documentElement.lang || "nl";
  const locale = lang === "nl" ? "nl-BE" : "en-GB";
  /* A label in the page's language; {name} in it is filled from `fill`. */
  const t = (key, fill) => {
    const text = key in words ? words[key] : key;
    return fill ? text.replace(/\{(\w+)\}/g, (whole, name) => (name in fill ? String(fill[name]) : whole)) : text;
  };
  const COLORS = ["#1f5fa8", "#b34700", "#1d6b2f", "#7a2a8c", "#8a6d00", "#a8123e"];

  async function api(path, options) {
    const opts = options || {};
    const headers = { Accept: "application/json" };
    if (opts.key) headers.Authorization = "Bearer " + opts.key;
    const response = await fetch(path, { method: opts.method || "GET", headers, body: opts.body });
    const type = response.headers.get("content-type") || "";
    const body = type.includes("json") ? await response.json() : await response.text();
    return { ok: response.ok, status: response.status, body };
  }

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (name === "text") node.textContent = value;
      else if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
      else node.setAttribute(name, value === true ? "" : String(value));
    }
    for (const child of children) {
      if (child === null || child === undefined) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  const numberFormat = new Intl.NumberFormat(locale, { maximumFractionDigits: 1 });
  const num = (v) => (v === null || v === undefined ? "–" : numberFormat.format(v));
  const pct = (v) => (v === null || v === undefined ? "–" : numberFormat.format(v) + " %");

  function dateFormat(tz, granularity) {
    const base = { timeZone: tz, day: "numeric", month: "short" };
    if (granularity === "hour") Object.assign(base, { weekday: "short", hour: "2-digit", minute: "2-digit" });
    if (granularity === "week" || granularity === "day") base.year = "numeric";
    return new Intl.DateTimeFormat(locale, base);
  }

  const tickFormats = {};
  function tick(seconds, incr, tz) {
    const kind = incr < 86400 ? "hour" : incr < 28 * 86400 ? "day" : "month";
    const key = kind + tz;
    if (!tickFormats[key]) {
      const opts = { timeZone: tz };
      if (kind === "hour") Object.assign(opts, { hour: "2-digit", minute: "2-digit" });
      if (kind === "day") Object.assign(opts, { day: "numeric", month: "short" });
      if (kind === "month") Object.assign(opts, { month: "short", year: "numeric" });
      tickFormats[key] = new Intl.DateTimeFormat(locale, opts);
      tickFormats["d" + tz] = new Intl.DateTimeFormat(locale, { timeZone: tz, weekday: "short", day: "numeric", month: "short" });
    }
    const text = tickFormats[key].format(new Date(seconds * 1000));
    // An hour axis names the day at midnight.
    if (kind === "hour" && /^(00|24)[:.]00$/.test(text)) return tickFormats["d" + tz].format(new Date(seconds * 1000));
    return text;
  }

  function status(text, kind) {
    const node = document.getElementById("status");
    if (!node) return;
    node.textContent = text;
    node.className = kind || "";
  }

  function problemText(answer) {
    const b = answer.body;
    if (b && typeof b === "object" && b.detail) return b.detail;
    return t("error") + " " + answer.status;
  }

  /* Cells of the plain JSON envelope as points: x in epoch seconds, null where suppressed. */
  function points(items) {
    return items
      .map((c) => ({
        x: Date.parse(c.start) / 1000,
        end: Date.parse(c.end) / 1000,
        v: c.status === "suppressed" ? null : c.value,
        status: c.status,
        coverage: c.coverage,
      }))
      .sort((a, b) => a.x - b.x);
  }

  /* Where a series has no value: suppressed cells, and stretches without any cell. */
  function hiddenRanges(pts, from, to) {
    const ranges = [];
    let cursor = from === undefined ? (pts.length ? pts[0].x : 0) : from;
    for (const p of pts) {
      if (p.x > cursor) ranges.push({ from: cursor, to: p.x, kind: "gap" });
      if (p.v === null) ranges.push({ from: p.x, to: p.end, kind: p.status === "suppressed" ? "suppressed" : "gap" });
      cursor = Math.max(cursor, p.end);
    }
    if (to !== undefined && cursor < to) ranges.push({ from: cursor, to, kind: "gap" });
    return ranges;
  }

  function hatch(ctx, dotted) {
    const tile = document.createElement("canvas");
    tile.width = tile.height = 8;
    const c = tile.getContext("2d");
    c.strokeStyle = c.fillStyle = "#595959";
    if (dotted) {
      c.beginPath();
      c.arc(4, 4, 1.2, 0, 2 * Math.PI);
      c.fill();
    } else {
      c.lineWidth = 1.5;
      c.beginPath();
      c.moveTo(0, 8);
      c.lineTo(8, 0);
      c.stroke();
    }
    return ctx.createPattern(tile, "repeat");
  }

  /* A time chart (uPlot) with hatched suppressed bands, a caption naming release, policy,
   * method, coverage and what is hidden, and the same figures as a table. */
  function timeChart(box, spec) {
    box.replaceChildren();
    const series = spec.series.filter((s) => s.points.length);
    box.dataset.series = JSON.stringify(series.map((s) => s.label));
    box.dataset.points = String(series.reduce((n, s) => n + s.points.length, 0));
    if (!series.length) {
      box.append(el("p", { class: "note", text: t("no_data") }));
      return null;
    }
    const xs = new Set();
    const lookup = series.map((s) => {
      const m = new Map();
      let last = null;
      for (const p of s.points) {
        if (last && p.x > last.end) {
          xs.add(last.end);
          m.set(last.end, null); // a coverage gap breaks the line
        }
        xs.add(p.x);
        m.set(p.x, p.v);
        last = p;
      }
      return m;
    });
    const xList = Array.from(xs).sort((a, b) => a - b);
    const data = [xList, ...lookup.map((m) => xList.map((x) => (m.has(x) ? m.get(x) : undefined)))];
    const main = series[0];
    const ranges = hiddenRanges(main.points, spec.from, spec.to);
    const suppressed = main.points.filter((p) => p.status === "suppressed").length;
    const gaps = ranges.filter((r) => r.kind === "gap").length;
    box.dataset.suppressed = String(suppressed);
    box.dataset.gaps = String(gaps);
    const fmt = dateFormat(spec.tz, spec.granularity);
    const width = Math.max(320, Math.min(box.clientWidth || 900, 1060));
    const options = {
      width,
      height: spec.height || 240,
      tzDate: (ts) => uPlot.tzDate(new Date(ts * 1e3), spec.tz),
      scales: { x: { time: true, range: (u, lo, hi) => [spec.from === undefined ? lo : Math.min(lo, spec.from), spec.to === undefined ? hi : Math.max(hi, spec.to)] }, y: { range: (u, lo, hi) => [spec.zero === false ? lo : 0, hi > 0 ? hi * 1.08 : 1] } },
      legend: { live: true },
      series: [
        { label: t("time"), value: (u, v) => (v === null || v === undefined ? "–" : fmt.format(new Date(v * 1e3))) },
        ...series.map((s, i) => ({
          label: s.label,
          stroke: s.color || COLORS[i % COLORS.length],
          width: s.width || 2,
          dash: s.dash,
          scale: s.scale || "y",
          spanGaps: false,
          points: { show: s.points.length <= 80, size: 5 },
          value: (u, v) => (v === null || v === undefined ? "–" : num(v)),
        })),
      ],
      axes: [{ stroke: "#1a1a1a", grid: { stroke: "#e4e4e4" }, space: 70, values: (u, splits, i, space, incr) => splits.map((v) => tick(v, incr, spec.tz)) }, { stroke: "#1a1a1a", grid: { stroke: "#e4e4e4" }, values: (u, splits) => splits.map(num), size: 60 }],
      hooks: {
        drawAxes: [
          (u) => {
            const ctx = u.ctx;
            const patterns = { suppressed: hatch(ctx, false), gap: hatch(ctx, true) };
            ctx.save();
            ctx.beginPath();
            ctx.rect(u.bbox.left, u.bbox.top, u.bbox.width, u.bbox.height);
            ctx.clip();
            for (const r of ranges) {
              const left = u.valToPos(r.from, "x", true);
              const right = u.valToPos(r.to, "x", true);
              ctx.fillStyle = patterns[r.kind];
              ctx.fillRect(left, u.bbox.top, Math.max(right - left, 1), u.bbox.height);
            }
            ctx.restore();
          },
        ],
      },
    };
    // A second scale (a shop's entries beside its street's footfall) gets its own axis.
    for (const extra of new Set(series.map((s) => s.scale).filter((x) => x && x !== "y"))) {
      options.scales[extra] = { range: (u, lo, hi) => [0, hi > 0 ? hi * 1.08 : 1] };
      options.axes.push({ scale: extra, side: 1, stroke: "#1a1a1a", grid: { show: false }, values: (u, splits) => splits.map(num), size: 60 });
    }
    const holder = el("div", { class: "plot", role: "img", "aria-label": spec.title + ": " + series.map((s) => s.label).join(", ") });
    box.append(holder);
    const chart = new uPlot(options, data, holder);
    box.append(caption(spec, suppressed, gaps, main.points));
    box.append(table(spec, series, fmt));
    return chart;
  }

  function caption(spec, suppressed, gaps, pts) {
    const known = pts.filter((p) => p.coverage !== null && p.coverage !== undefined);
    const coverage = known.length ? (100 * known.reduce((n, p) => n + p.coverage, 0)) / known.length : null;
    const parts = [];
    if (spec.release !== undefined && spec.release !== null) parts.push(t("release") + " " + spec.release);
    if (spec.policy) parts.push(t("policy") + " " + spec.policy);
    const after = [];
    if (coverage !== null) after.push(t("coverage") + " " + pct(Math.round(coverage)));
    after.push(suppressed + " " + t("suppressed"));
    after.push(gaps + " " + t("gaps"));
    const methods = spec.methods && spec.methods.length ? spec.methods.join(", ") : "–";
    const note = el("p", { class: "note" }, parts.concat([t("method") + " "]).join(" · "));
    note.append(el("span", { class: spec.methodsLive === false ? "" : "methods", text: methods }), " · " + after.join(" · ") + " ");
    note.append(el("span", { class: "legend-hatch", "aria-hidden": "true" }), " " + t("suppressed_legend") + " ");
    note.append(el("span", { class: "legend-gap", "aria-hidden": "true" }), " " + t("gaps"));
    const wrap = el("div", {}, note);
    if (spec.synthetic) wrap.append(el("p", { class: "note synthetic-note", text: t("synthetic_note") }));
    if (spec.extra) wrap.append(el("p", { class: "note", text: spec.extra }));
    return wrap;
  }

  function table(spec, series, fmt) {
    const head = el("tr", {}, el("th", { scope: "col", text: t("time") }));
    for (const s of series) head.append(el("th", { scope: "col", text: s.label }));
    const body = el("tbody");
    const rows = new Map();
    series.forEach((s, i) => {
      for (const p of s.points) {
        if (!rows.has(p.x)) rows.set(p.x, new Array(series.length).fill(undefined));
        rows.get(p.x)[i] = p;
      }
    });
    for (const x of Array.from(rows.keys()).sort((a, b) => a - b)) {
      const tr = el("tr", {}, el("td", { text: fmt.format(new Date(x * 1e3)) }));
      for (const p of rows.get(x)) {
        tr.append(el("td", { text: p === undefined ? "" : p.v === null ? t("suppressed") : num(p.v) + (p.status === "incomplete" ? " (" + t("incomplete") + ")" : "") }));
      }
      body.append(tr);
    }
    return el("details", {}, el("summary", { text: t("show_table") }), el("table", {}, el("thead", {}, head), body));
  }

  /* The typical week as a table coloured by value; hidden hours hatched and named. */
  function heatmap(box, hours, label) {
    box.replaceChildren();
    if (!hours || !hours.length) {
      box.append(el("p", { class: "note", text: t("no_data") }));
      return;
    }
    const days = t("days").split(",");
    const top = Math.max(1, ...hours.map((h) => (h.median === null ? 0 : h.median)));
    const head = el("tr", {}, el("th", { scope: "col", text: "" }));
    for (let h = 0; h < 24; h++) head.append(el("th", { scope: "col", text: String(h) }));
    const body = el("tbody");
    for (let d = 0; d < 7; d++) {
      const tr = el("tr", {}, el("th", { scope: "row", text: days[d] }));
      for (let h = 0; h < 24; h++) {
        const hour = hours.find((x) => x.slot === d * 24 + h);
        const median = hour ? hour.median : null;
        if (median === null) {
          tr.append(el("td", { class: "hidden", title: t("suppressed"), "aria-label": days[d] + " " + h + ": " + t("suppressed"), text: "–" }));
          continue;
        }
        const share = median / top;
        const light = Math.round(97 - share * 62);
        tr.append(
          el("td", {
            class: light < 58 ? "dark" : "",
            "data-share": share.toFixed(3),
            title: days[d] + " " + h + ":00 " + num(median),
            text: num(median),
          })
        );
        tr.lastChild.style.background = "hsl(213, 68%, " + light + "%)";
      }
      body.append(tr);
    }
    box.append(el("table", { class: "heat" }, el("caption", { class: "note", text: label }), el("thead", {}, head), body));
  }

  /* An uplift and its band on a small axis around 0 %. */
  function band(impact) {
    const lo = Math.min(-50, impact.low_pct), hi = Math.max(100, impact.high_pct);
    const x = (v) => 10 + ((v - lo) / (hi - lo)) * 220;
    const ns = "http://www.w3.org/2000/svg";
    const svg = document.createElementNS(ns, "svg");
    svg.setAttribute("viewBox", "0 0 240 24");
    svg.setAttribute("width", "240");
    svg.setAttribute("height", "24");
    svg.setAttribute("role", "img");
    svg.setAttribute("aria-label", t("uplift") + " " + pct(impact.uplift_pct) + ", " + t("band") + " " + pct(impact.low_pct) + " … " + pct(impact.high_pct));
    const add = (tag, attrs) => {
      const node = document.createElementNS(ns, tag);
      for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
      svg.append(node);
    };
    add("line", { x1: x(lo), x2: x(hi), y1: 12, y2: 12, stroke: "#8c8c8c" });
    add("line", { x1: x(0), x2: x(0), y1: 2, y2: 22, stroke: "#1a1a1a" });
    add("rect", { x: x(impact.low_pct), y: 7, width: Math.max(2, x(impact.high_pct) - x(impact.low_pct)), height: 10, fill: "#8fb3e0", stroke: "#1f5fa8" });
    add("circle", { cx: x(impact.uplift_pct), cy: 12, r: 4, fill: "#b34700" });
    return svg;
  }

  /* An event's impact, or why it cannot be measured honestly. */
  async function eventItem(event, key, tz) {
    const when = new Date(event.start).toLocaleString(locale, { timeZone: tz, dateStyle: "medium", timeStyle: "short" });
    const li = el("li", { "data-event": event.id }, el("strong", { text: event.name }), " · " + when + " ");
    const answer = await api("/v1/events/" + event.id + "/impact", { key });
    if (!answer.ok) {
      li.append(el("p", { class: "note", text: t("not_measurable") + ": " + problemText(answer) }));
      return li;
    }
    const i = answer.body;
    li.append(
      el("p", {},
        t("uplift") + " " + pct(i.uplift_pct) + " (" + t("band") + " " + pct(i.low_pct) + " … " + pct(i.high_pct) + ") ",
        el("span", { class: "band" }, band(i)),
        " " + (i.significant ? t("significant") : t("not_significant"))
      ),
      el("p", { class: "note", text: [t("basis") + " " + i.basis, i.release ? t("release") + " " + i.release : null, t("method") + " " + i.method].filter(Boolean).join(" · ") })
    );
    if (i.left_out && i.left_out.length) {
      // Hours the answer could not count (hidden by the release, missing): named, never zero.
      const reasons = [...new Set(i.left_out.map((g) => t("r_" + g.reason)))].join(", ");
      const hours = i.left_out.map((g) => new Date(g.start).toLocaleTimeString(locale, { timeZone: tz, hour: "2-digit", minute: "2-digit" })).join(", ");
      li.append(el("p", { class: "note left-out", "data-left-out": i.left_out.length, text: t("left_out_hours", { n: i.left_out.length, w: i.window_hours, reasons, p: pct(Math.round((1 - i.coverage) * 100)) }) + " (" + hours + ")" }));
    }
    return li;
  }

  /* Local midnight of a calendar day in a time zone, as epoch seconds. */
  function localMidnight(y, m, d, tz) {
    let guess = Date.UTC(y, m - 1, d);
    for (let i = 0; i < 3; i++) {
      const parts = new Intl.DateTimeFormat("en-US", { timeZone: tz, hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit" }).formatToParts(new Date(guess));
      const get = (type) => Number(parts.find((p) => p.type === type).value);
      const shown = Date.UTC(get("year"), get("month") - 1, get("day"), get("hour"), get("minute"));
      guess -= shown - Date.UTC(y, m - 1, d);
    }
    return guess / 1000;
  }

  function localDay(seconds, tz) {
    const parts = new Intl.DateTimeFormat("en-CA", { timeZone: tz, year: "numeric", month: "2-digit", day: "2-digit" }).format(new Date(seconds * 1000));
    const [y, m, d] = parts.split("-").map(Number);
    return { y, m, d };
  }

  /* The local midnight `days` days before (negative) or after the one holding `seconds`. */
  function shiftDays(seconds, days, tz) {
    const { y, m, d } = localDay(seconds, tz);
    const day = new Date(Date.UTC(y, m - 1, d + days));
    return localMidnight(day.getUTCFullYear(), day.getUTCMonth() + 1, day.getUTCDate(), tz);
  }

  function iso(seconds) {
    return new Date(seconds * 1000).toISOString().replace(".000Z", "Z");
  }

  function session(name) {
    return {
      get: () => sessionStorage.getItem(name),
      set: (v) => sessionStorage.setItem(name, v),
      clear: () => sessionStorage.removeItem(name),
    };
  }

  /* The page says when what it asked for is drawn (tests and the benchmark wait for it). */
  async function busy(work) {
    document.body.dataset.ready = "false";
    try {
      await work;
    } finally {
      document.body.dataset.readyAt = String(Math.round(performance.now()));
      document.body.dataset.ready = "true";
    }
  }

  /* A keyed page's sign-in: asks `path` with `key`; a refused key is forgotten, the form
   * shown again with the reason, and the answer is null. The key stays in `stored` (this
   * tab's sessionStorage) only. */
  async function signInWith(stored, path, key) {
    const answer = await api(path, { key });
    const on = answer.ok;
    document.getElementById("signed-in").hidden = !on;
    document.getElementById("signin").hidden = on;
    if (!on) {
      stored.clear();
      status(answer.status === 401 || answer.status === 403 ? t("bad_key") : problemText(answer), "error");
      return null;
    }
    stored.set(key);
    return answer;
  }

  /* The language link keeps the rest of the address. */
  function keepLanguageLink() {
    const link = document.getElementById("lang-switch");
    if (!link) return;
    const url = new URL(window.location.href);
    url.searchParams.set("lang", link.getAttribute("hreflang"));
    link.href = url.pathname + url.search;
  }

  document.addEventListener("DOMContentLoaded", keepLanguageLink);

  return { t, lang, locale, api, el, num, pct, status, problemText, points, timeChart, heatmap, band, eventItem, localMidnight, shiftDays, localDay, iso, session, busy, signInWith, COLORS, keepLanguageLink };
})();
