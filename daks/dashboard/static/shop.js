/* The retailer's page: its own shops only (the API answers a retailer key with nothing
 * else), entries against the street's published footfall, conversion, the street's typical
 * week and advice on opening hours. The key lives in this tab's sessionStorage only. */
"use strict";

(function () {
  const { t, api, el, status, busy, signInWith, points, timeChart, heatmap, shiftDays, iso, num, pct } = window.daks;
  const stored = window.daks.session("daks.retailerKey");
  const state = { shops: [], town: null, shop: null, tz: "Europe/Brussels", end: null };

  async function signIn(key) {
    const answer = await signInWith(stored, "/v1/retailer/shops", key);
    if (!answer) return;
    state.shops = answer.body.items;
    state.town = answer.body.town;
    const town = await api(`/v1/towns/${state.town}`);
    if (town.ok) state.tz = town.body.timezone;
    const list = document.getElementById("shops");
    list.replaceChildren();
    for (const shop of state.shops) {
      list.append(el("li", {}, el("button", { type: "button", "data-shop": shop.id, "aria-pressed": "false", onclick: () => busy(chooseShop(shop.id)) }, shop.name + (shop.street_name ? " · " + shop.street_name : ""))));
    }
    status("");
    if (state.shops.length) await chooseShop(state.shops[0].id);
  }

  async function chooseShop(id) {
    const key = stored.get();
    state.shop = state.shops.find((s) => s.id === id);
    for (const b of document.querySelectorAll("#shops button")) b.setAttribute("aria-pressed", String(b.dataset.shop === id));
    const shop = state.shop;
    const street = shop.street;
    status(t("loading"));
    const profile = street ? await api(profileQuery()) : null;
    const item = profile && profile.ok ? profile.body.items.find((x) => x.place === street) : null;
    if (!item) {
      heatmap(document.getElementById("heatmap"), null);
      renderAdvice(null);
      status(t("no_data"));
      return;
    }
    const end = Date.parse(profile.body.to) / 1000;
    const from = shiftDays(end, -56, state.tz);
    const range = `from=${encodeURIComponent(iso(from))}&to=${encodeURIComponent(iso(end))}`;
    const [entries, footfall, conversion] = await Promise.all([
      api(`/v1/retailer/shops/${shop.id}/entries?granularity=day&${range}`, { key }),
      api(`/v1/observations?location=${encodeURIComponent(street)}&metric=pedestrians&direction=both&granularity=day&${range}`),
      api(`/v1/retailer/shops/${shop.id}/conversion?granularity=day&${range}`, { key }),
    ]);
    const own = entries.ok ? points(entries.body.items.filter((c) => c.breakdown === "")) : [];
    const streetName = shop.street_name || street;
    timeChart(document.getElementById("chart-entries"), {
      title: t("entries_vs_street"),
      tz: state.tz,
      granularity: "day",
      from,
      to: end,
      release: footfall.ok ? footfall.body.release : null,
      policy: [entries.ok ? entries.body.policy : null, footfall.ok ? footfall.body.policy : null].filter(Boolean).join(", "),
      methodsLive: false,
      series: [
        { label: shop.name + ": " + t("entries"), points: own, scale: "entries" },
        { label: streetName + ": " + t("street_footfall"), points: footfall.ok ? points(footfall.body.items) : [], dash: [6, 4] },
      ],
    });
    const rows = conversion.ok ? conversion.body.items : [];
    const asPoints = (field) =>
      rows.map((r) => ({ x: Date.parse(r.start) / 1000, end: Date.parse(r.end) / 1000, v: r[field] === null ? null : Math.round(r[field] * 1000) / 10, status: r[field] === null ? (r.footfall_status === "suppressed" ? "suppressed" : "missing") : "ok", coverage: null }));
    timeChart(document.getElementById("chart-conversion"), {
      title: t("conversion"),
      tz: state.tz,
      granularity: "day",
      from,
      to: end,
      release: conversion.ok ? conversion.body.release : null,
      policy: conversion.ok ? [conversion.body.policy, conversion.body.footfall_policy].filter(Boolean).join(", ") : null,
      methodsLive: false,
      series: [
        { label: shop.name + ": " + t("conversion") + " (%)", points: asPoints("conversion") },
        { label: t("street_median") + " (%)", points: asPoints("street_median"), dash: [6, 4] },
      ],
    });
    heatmap(document.getElementById("heatmap"), item.hours, streetName + " · " + t("release") + " " + (profile.body.release ?? "–"));
    renderAdvice(item);
    status("");
  }

  function profileQuery() {
    const opening = document.getElementById("opening").value.trim() || "mon-sat 9-18";
    const q = new URLSearchParams({ place: state.shop.street, metric: "pedestrians" });
    q.append("opening", opening);
    return `/v1/towns/${state.town}/profiles?${q}`;
  }

  function renderAdvice(item) {
    const box = document.getElementById("advice");
    box.replaceChildren();
    if (!item) {
      box.append(el("p", { class: "note", text: t("no_data") }));
      return;
    }
    box.append(el("p", {}, el("strong", { text: pct(item.outside_opening_pct) }), " " + t("outside_opening")));
    const days = t("days").split(",");
    if (!item.busy_while_closed.length) {
      box.append(el("p", { text: t("none_busy_closed") }));
      return;
    }
    const list = el("ul", {});
    for (const h of item.busy_while_closed) list.append(el("li", { text: `${days[Math.floor(h.slot / 24)]} ${h.hour}:00–${h.hour + 1}:00 · ${num(h.median)} ${t("m_pedestrians")}` }));
    box.append(el("h4", { text: t("busy_closed") }), list);
  }

  document.addEventListener("DOMContentLoaded", () => {
    document.getElementById("signin").addEventListener("submit", (e) => {
      e.preventDefault();
      const field = document.getElementById("key");
      const key = field.value.trim();
      field.value = "";
      busy(signIn(key));
    });
    document.getElementById("signout").addEventListener("click", () => {
      stored.clear();
      window.location.reload();
    });
    document.getElementById("opening-form").addEventListener("submit", (e) => {
      e.preventDefault();
      if (state.shop) busy(chooseShop(state.shop.id));
    });
    const key = stored.get();
    if (key) busy(signIn(key));
    else document.body.dataset.ready = "true";
  });
})();
