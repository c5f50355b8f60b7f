/* The public town page: towns, a map of their measuring points, counts per hour, day and
 * week, the typical week, recent events with their impact, and the cross-town benchmark. */
"use strict";

(function () {
  const { t, api, el, status, busy, points, timeChart, heatmap, eventItem, shiftDays, localDay, localMidnight, iso } = window.daks;
  const state = { towns: [], town: null, places: [], location: null, metric: null, release: null, methods: {}, bench: null };
  const url = new URL(window.location.href);


  function remember() {
    const next = new URL(window.location.href);
    next.searchParams.set("town", state.town.id);
    if (state.location) next.searchParams.set("location", state.location.id);
    if (state.metric) next.searchParams.set("metric", state.metric);
    history.replaceState(null, "", next.pathname + next.search);
    window.daks.keepLanguageLink();
  }

  function townLabel(town) {
    const label = el("span", {}, town.name);
    if (town.synthetic) label.append(el("span", { class: "badge", text: t("synthetic") }));
    return label;
  }

  function renderTowns() {
    const list = document.getElementById("towns");
    list.replaceChildren();
    for (const town of state.towns) {
      const button = el("button", { type: "button", "data-town": town.id, "aria-pressed": String(state.town && state.town.id === town.id), onclick: () => busy(chooseTown(town.id)) }, townLabel(town));
      list.append(el("li", {}, button));
    }
  }

  /* On the map a place needs no town name: the page says which town it is. */
  function shortName(name) {
    return name.replace(" (synthetic)", "").replace(", " + state.town.name, "");
  }

  /* The tile service behind the map, if the server was configured with one. */
  const MAP = JSON.parse(document.getElementById("daks-map").textContent);
  const TILE = 256;

  /* Web Mercator, as tile services cut the world: [0, 1) across and down. */
  const worldX = (lon) => (lon + 180) / 360;
  const worldY = (lat) => {
    const phi = (Math.max(-85, Math.min(85, lat)) * Math.PI) / 180;
    return (1 - Math.log(Math.tan(phi) + 1 / Math.cos(phi)) / Math.PI) / 2;
  };

  /* Tiles covering the drawing, as <image> behind the points; a tile that does not load
   * leaves its square empty and the map works as without tiles. */
  function addTiles(svg, add, view) {
    const { W, H, cx, cy, scale } = view;
    const z = Math.max(0, Math.min(19, Math.round(Math.log2(scale / TILE))));
    const n = 2 ** z, size = scale / n;
    const left = cx - W / 2 / scale, right = cx + W / 2 / scale, top = cy - H / 2 / scale, bottom = cy + H / 2 / scale;
    const layer = add(svg, "g", { class: "tiles", "aria-hidden": "true" });
    for (let x = Math.floor(left * n); x <= Math.floor(right * n); x++) {
      for (let y = Math.max(0, Math.floor(top * n)); y <= Math.min(n - 1, Math.floor(bottom * n)); y++) {
        const href = MAP.tiles.replace("{z}", z).replace("{x}", ((x % n) + n) % n).replace("{y}", y);
        add(layer, "image", { href, x: W / 2 + (x / n - cx) * scale, y: H / 2 + (y / n - cy) * scale, width: size + 0.5, height: size + 0.5, preserveAspectRatio: "none" });
      }
    }
  }

  function renderMap() {
    const box = document.getElementById("map");
    const spare = document.getElementById("unmapped");
    box.replaceChildren();
    spare.replaceChildren();
    const located = state.places.filter((p) => p.kind === "location" && p.lat !== null && p.lon !== null);
    const unlocated = state.places.filter((p) => p.kind === "location" && (p.lat === null || p.lon === null));
    const ns = "http://www.w3.org/2000/svg";
    const svg = document.createElementNS(ns, "svg");
    const W = 600, H = 360, pad = 40;
    svg.setAttribute("viewBox", `0 0 ${W} ${H}`);
    svg.setAttribute("role", "group");
    svg.setAttribute("aria-label", t("map") + ": " + state.town.name);
    svg.dataset.tiles = MAP.tiles ? "on" : "off";
    if (located.length) {
      const xs0 = located.map((p) => worldX(p.lon)), ys0 = located.map((p) => worldY(p.lat));
      const x0 = Math.min(...xs0), x1 = Math.max(...xs0), y0 = Math.min(...ys0), y1 = Math.max(...ys0);
      const span = Math.max(x1 - x0, y1 - y0, 0.004 / 360); // at least about 300 m
      const cx = (x0 + x1) / 2, cy = (y0 + y1) / 2;
      const scale = Math.min(W - 2 * pad, H - 2 * pad) / span;
      const px = (p) => W / 2 + (worldX(p.lon) - cx) * scale;
      const py = (p) => H / 2 + (worldY(p.lat) - cy) * scale;
      const add = (parent, tag, attrs) => {
        const node = document.createElementNS(ns, tag);
        for (const [a, v] of Object.entries(attrs)) node.setAttribute(a, v);
        parent.append(node);
        return node;
      };
      if (MAP.tiles) addTiles(svg, add, { W, H, cx, cy, scale });
      for (const zone of state.places.filter((p) => p.kind === "zone" && p.members)) {
        const members = located.filter((p) => zone.members.includes(p.id));
        if (members.length < 2) continue;
        const xs = members.map(px), ys = members.map(py);
        add(svg, "rect", { x: Math.min(...xs) - 22, y: Math.min(...ys) - 22, width: Math.max(...xs) - Math.min(...xs) + 44, height: Math.max(...ys) - Math.min(...ys) + 44, fill: "none", stroke: "#4a4a4a", "stroke-dasharray": "6 4", rx: 8 });
        add(svg, "text", { x: Math.min(...xs) - 20, y: Math.min(...ys) - 28, "font-size": 12, fill: "#4a4a4a" }).textContent = zone.name;
      }
      for (const p of located) {
        const g = add(svg, "g", { class: "map-point " + (p.category || ""), tabindex: 0, role: "button", "data-location": p.id, "aria-label": p.name, "aria-pressed": String(state.location && state.location.id === p.id) });
        add(g, "circle", { cx: px(p), cy: py(p), r: 9 });
        add(g, "text", { x: px(p) + 12, y: py(p) + 4 }).textContent = shortName(p.name);
        g.addEventListener("click", () => busy(chooseLocation(p.id)));
        g.addEventListener("keydown", (e) => {
          if (e.key === "Enter" || e.key === " ") {
            e.preventDefault();
            busy(chooseLocation(p.id));
          }
        });
      }
    }
    box.append(svg);
    if (MAP.tiles && located.length) spare.append(el("p", { class: "note map-credit", text: t("map_tiles_credit") + ": " + (MAP.attribution || new URL(MAP.tiles.replace(/[{}]/g, "")).host) }));
    if (unlocated.length) spare.append(el("p", { class: "note", text: t("no_coordinates") + ": " + unlocated.map((p) => p.name).join(", ") }));
  }

  function renderPicker() {
    const select = document.getElementById("location");
    select.replaceChildren();
    for (const p of state.places.filter((x) => x.kind !== "shop")) {
      select.append(el("option", { value: p.id, selected: state.location && p.id === state.location.id }, p.name + (p.kind === "zone" ? " (zone)" : "")));
    }
    document.getElementById("metric").value = state.metric;
  }

  async function chooseTown(id) {
    state.bench = null;
    state.town = state.towns.find((x) => x.id === id) || state.towns[0];
    status(t("loading"));
    renderTowns();
    document.getElementById("town").hidden = false;
    document.getElementById("town-h").replaceChildren(townLabel(state.town));
    const meta = [];
    if (state.town.key_figures.inhabitants) meta.push(window.daks.num(state.town.key_figures.inhabitants) + " " + t("inhabitants"));
    if (state.town.attribution) meta.push(state.town.attribution);
    if (state.town.licence) meta.push(t("licence") + ": " + state.town.licence);
    document.getElementById("town-meta").textContent = meta.join(" · ") + (state.town.synthetic ? " · " + t("synthetic_note") : "");
    const [places, events] = await Promise.all([api(`/v1/towns/${state.town.id}/locations`), api(`/v1/towns/${state.town.id}/events`)]);
    state.places = places.ok ? places.body.items : [];
    const wanted = url.searchParams.get("location");
    const locations = state.places.filter((p) => p.kind === "location");
    const first = locations.find((p) => p.id === wanted) || locations.find((p) => p.category !== "road") || locations[0] || null;
    renderMap();
    const pending = [renderEvents(events.ok ? events.body.items : []), loadBenchmarks(state.town)];
    if (first) await chooseLocation(first.id, url.searchParams.get("metric"));
    else status(t("no_data"));
    await Promise.all(pending);
  }

  async function chooseLocation(id, metric) {
    state.location = state.places.find((p) => p.id === id);
    state.metric = metric || (state.location.category === "road" ? "cars" : "pedestrians");
    renderPicker();
    for (const g of document.querySelectorAll(".map-point")) g.setAttribute("aria-pressed", String(g.dataset.location === id));
    remember();
    await loadCharts();
  }

  function cellsQuery(granularity, from, to) {
    const loc = state.location;
    const q = new URLSearchParams({ town: state.town.id, metric: state.metric, direction: "both", granularity, limit: "1000" });
    if (loc.kind === "zone") {
      q.set("zone", loc.id);
      q.set("level", "zone");
    } else q.set("location", loc.id);
    if (from !== undefined) q.set("from", iso(from));
    if (to !== undefined) q.set("to", iso(to));
    return "/v1/observations?" + q;
  }

  async function loadCharts() {
    const town = state.town, loc = state.location, metric = state.metric, tz = town.timezone;
    status(t("loading"));
    const lang = window.daks.lang;
    const embed = `/embed/${town.id}/${loc.id}/${metric}`;
    document.getElementById("embed-link").href = `${embed}.svg?granularity=day&lang=${lang}`;
    document.getElementById("embed-page").href = `${embed}.html?granularity=day&lang=${lang}`;
    // The typical week also tells where the data end: the other periods are counted back from there.
    const profile = await api(`/v1/towns/${town.id}/profiles?place=${encodeURIComponent(loc.id)}&metric=${metric}`);
    const item = profile.ok ? profile.body.items.find((x) => x.place === loc.id) : null;
    const label = t("m_" + metric) + ", " + loc.name;
    const common = { tz, release: state.release, methods: state.methods[town.id] || [], synthetic: town.synthetic };
    if (!profile.ok || !item) {
      for (const id of ["chart-hour", "chart-day", "chart-week"]) timeChart(document.getElementById(id), { ...common, title: label, series: [] });
      heatmap(document.getElementById("heatmap"), null);
      status(t("no_data"));
      return;
    }
    const end = Date.parse(profile.body.to) / 1000;
    const hourFrom = shiftDays(end, -7, tz);
    const dayFrom = shiftDays(end, -56, tz);
    const endDay = localDay(end, tz);
    const monday = (seconds, forward) => {
      const d = new Date(Date.UTC(...(({ y, m, d }) => [y, m - 1, d])(localDay(seconds, tz))));
      const back = (d.getUTCDay() + 6) % 7;
      const shift = forward && back ? 7 - back : -back;
      return shiftDays(seconds, shift, tz);
    };
    const weekTo = monday(localMidnight(endDay.y, endDay.m, endDay.d, tz), true);
    const weekFrom = monday(shiftDays(end, -26 * 7, tz), false);
    const [hour, day, week] = await Promise.all([api(cellsQuery("hour", hourFrom, end)), api(cellsQuery("day", dayFrom, end)), api(cellsQuery("week", weekFrom, weekTo))]);
    const draw = (id, answer, granularity, from, to) =>
      timeChart(document.getElementById(id), {
        ...common,
        title: label,
        granularity,
        from,
        to,
        policy: answer.ok ? answer.body.policy : null,
        series: [{ label, points: answer.ok ? points(answer.body.items) : [] }],
      });
    draw("chart-hour", hour, "hour", hourFrom, end);
    draw("chart-day", day, "day", dayFrom, end);
    draw("chart-week", week, "week", weekFrom, weekTo);
    heatmap(document.getElementById("heatmap"), item.hours, label + " · " + t("release") + " " + (profile.body.release ?? "–") + " · " + t("basis") + " " + profile.body.basis);
    status("");
  }

  async function renderEvents(events) {
    const box = document.getElementById("events");
    box.replaceChildren();
    const recent = events.filter((e) => e.kind !== "market").sort((a, b) => b.start.localeCompare(a.start)).slice(0, 3);
    if (!recent.length) {
      box.append(el("p", { class: "note", text: t("no_data") }));
      return;
    }
    const list = el("ul", { class: "events" });
    box.append(list);
    for (const li of await Promise.all(recent.map((e) => eventItem(e, undefined, state.town.timezone)))) list.append(li);
  }

  function renderBenchmarks() {
    const body = state.bench;
    const box = document.getElementById("chart-bench");
    if (!body) return;
    const lines = body.lines.slice().sort((a, b) => (a.town === state.town.id ? -1 : b.town === state.town.id ? 1 : a.town.localeCompare(b.town)));
    const name = (id) => {
      const town = state.towns.find((x) => x.id === id);
      return (town ? town.name : id) + (town && town.synthetic ? " (" + t("synthetic") + ")" : "");
    };
    const series = lines.map((line, i) => ({
      label: name(line.town),
      color: i === 0 ? "#b34700" : "#767676",
      width: i === 0 ? 3 : 1,
      points: line.weeks.map((w) => ({ x: Date.parse(w.week + "T00:00:00Z") / 1000, end: Date.parse(w.week + "T00:00:00Z") / 1000 + 7 * 86400, v: w.index, status: w.index === null ? "missing" : "ok", coverage: w.coverage })),
    }));
    const methods = lines.map((l) => name(l.town) + ": " + (l.methods.join(", ") || "–") + ", " + t("coverage") + " " + window.daks.pct(Math.round(l.coverage * 100)) + (l.suppressed_hours_as_zero ? ", " + l.suppressed_hours_as_zero + " " + t("suppressed") + " = 0" : "")).join("; ");
    timeChart(box, {
      title: t("benchmarks"),
      tz: "UTC",
      granularity: "week",
      zero: false,
      release: body.release,
      methods: [],
      methodsLive: false,
      series,
      extra: body.note + " " + body.baseline.from + " – " + body.baseline.to + ". " + methods,
    });
  }

  /* Each town's line against its own baseline: the baseline starts at the chosen town's
   * first published week, so that its line is always drawn. */
  async function loadBenchmarks(town) {
    const first = await api(`/v1/observations?town=${town.id}&level=town&metric=pedestrians&direction=both&granularity=week&limit=1`);
    const cell = first.ok && first.body.items.length ? first.body.items[0] : null;
    let query = "/v1/benchmarks?metric=pedestrians";
    if (cell) {
      const day = window.daks.localDay(Date.parse(cell.start) / 1000, town.timezone);
      query += `&baseline_from=${day.y}-${String(day.m).padStart(2, "0")}-${String(day.d).padStart(2, "0")}`;
    }
    const bench = await api(query);
    if (state.town !== town) return;
    state.bench = bench.ok ? bench.body : null;
    if (bench.ok) for (const line of bench.body.lines) state.methods[line.town] = line.methods;
    for (const node of document.querySelectorAll(".methods")) node.textContent = (state.methods[town.id] || []).join(", ") || "–";
    renderBenchmarks();
    if (!bench.ok) document.getElementById("chart-bench").replaceChildren(el("p", { class: "note", text: window.daks.problemText(bench) }));
  }

  async function start() {
    const [towns, release] = await Promise.all([api("/v1/towns"), api("/v1/releases/current")]);
    if (!towns.ok) {
      status(window.daks.problemText(towns), "error");
      return;
    }
    state.towns = towns.body.items;
    state.release = release.ok ? release.body.id : null;
    renderTowns();
    if (!state.towns.length) {
      status(t("no_data"));
      return;
    }
    const wanted = url.searchParams.get("town");
    const first = state.towns.find((x) => x.id === wanted) || state.towns.find((x) => x.synthetic) || state.towns[0];
    await busy(chooseTown(first.id));
  }

  document.addEventListener("DOMContentLoaded", () => {
    document.getElementById("location").addEventListener("change", (e) => busy(chooseLocation(e.target.value, state.metric)));
    document.getElementById("metric").addEventListener("change", (e) => {
      state.metric = e.target.value;
      remember();
      busy(loadCharts());
    });
    start().catch((error) => status(String(error), "error"));
  });
})();
