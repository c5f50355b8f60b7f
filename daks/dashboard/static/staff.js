/* The staff page: sensor health, event impact on exact figures with its band, every file
 * imported for the town with its anomalies (GET /v1/internal/imports, newest first, a page
 * at a time), and vendor files sent through POST /v1/internal/imports, with a refused
 * file's line and field. The internal key lives in this tab's sessionStorage only. */
"use strict";

(function () {
  const { t, api, el, status, busy, signInWith, eventItem, num, problemText } = window.daks;
  const stored = window.daks.session("daks.staffKey");
  const state = { town: null, tz: "Europe/Brussels" };

  async function signIn(key) {
    const sensors = await signInWith(stored, "/v1/internal/sensors", key);
    if (!sensors) return;
    state.town = sensors.body.town;
    const town = await api(`/v1/towns/${state.town}`);
    if (town.ok) state.tz = town.body.timezone;
    status((town.ok ? town.body.name : state.town) + (town.ok && town.body.synthetic ? " · " + t("synthetic_note") : ""));
    renderSensors(sensors.body.items);
    await Promise.all([loadImports(key), renderEvents(key)]);
  }

  function when(text) {
    return text ? new Date(text).toLocaleString(window.daks.locale, { timeZone: state.tz, dateStyle: "medium", timeStyle: "short" }) : "–";
  }

  function duration(seconds) {
    if (!seconds) return "0";
    return seconds >= 86400 ? num(seconds / 86400) + " d" : num(seconds / 3600) + " h";
  }

  function renderSensors(items) {
    const box = document.getElementById("sensors");
    box.replaceChildren();
    if (!items.length) {
      box.append(el("p", { class: "note", text: t("no_data") }));
      return;
    }
    const head = el("tr", {}, ...[t("sensor"), t("location"), t("method"), t("last_reading"), t("missing"), t("longest_gap"), t("coverage")].map((h) => el("th", { scope: "col", text: h })));
    const body = el("tbody");
    for (const s of items) {
      body.append(
        el("tr", { "data-sensor": s.sensor },
          el("td", { text: String(s.sensor) }),
          el("td", { text: s.location }),
          el("td", { text: s.vendor + "/" + s.method }),
          el("td", { text: when(s.last) }),
          el("td", { class: s.missing_intervals ? "error" : "", text: num(s.missing_intervals) }),
          el("td", { text: duration(s.longest_gap_seconds) }),
          el("td", { text: s.coverage === null ? "–" : num(Math.round(s.coverage * 1000) / 10) + " %" })
        )
      );
    }
    box.append(el("table", {}, el("thead", {}, head), body));
  }

  /* A page of the town's imports; `next` is the API's link to the following page. */
  async function loadImports(key, next) {
    const box = document.getElementById("imports");
    const path = next ? new URL(next, window.location.href) : null;
    const answer = await api(path ? path.pathname + path.search : "/v1/internal/imports?limit=10", { key });
    if (!next) box.replaceChildren();
    const more = box.querySelector("button.more");
    if (more) more.remove();
    if (!answer.ok) {
      box.append(el("p", { class: "error", text: problemText(answer) }));
      return;
    }
    const list = answer.body.items;
    if (!next && !list.length) {
      box.append(el("p", { text: t("no_imports") }));
      return;
    }
    for (const r of list) box.append(importBlock(r));
    if (answer.body.next) {
      box.append(el("button", { type: "button", class: "more", onclick: () => busy(loadImports(key, answer.body.next)) }, t("more")));
    }
  }

  function importBlock(r) {
    const counts = [`${t("records")} ${num(r.records)}`, `${t("new")} ${num(r.new)}`, `${t("updated")} ${num(r.updated)}`, `${t("unchanged")} ${num(r.unchanged)}`, `${t("anomalies")} ${num(r.anomaly_count)}`];
    if (r.outcome !== "ok") counts.push(t("running"));
    const block = el("div", { class: "import", "data-batch": r.batch },
      el("h3", { text: `${r.file} · ${r.format} · ${r.vendor}/${r.method}` }),
      el("p", { class: "meta", text: when(r.imported_at) + " · " + counts.join(" · ") })
    );
    if (r.anomalies.length) {
      const head = el("tr", {}, el("th", { scope: "col", text: t("line") }), el("th", { scope: "col", text: t("reason") }), el("th", { scope: "col", text: t("action") }));
      const body = el("tbody");
      for (const a of r.anomalies) body.append(el("tr", {}, el("td", { text: a.line === null ? "–" : String(a.line) }), el("td", { text: a.reason }), el("td", { text: a.action })));
      const label = t("anomalies") + (r.anomaly_count > r.anomalies.length ? " (" + t("first_shown", { n: r.anomalies.length }) + ")" : "");
      block.append(el("details", {}, el("summary", { text: label }), el("table", {}, el("thead", {}, head), body)));
    }
    return block;
  }

  async function upload(form) {
    const key = stored.get();
    const out = document.getElementById("upload-result");
    out.replaceChildren(el("p", { text: t("loading") }));
    const data = new FormData(form);
    if (!data.get("location")) data.delete("location");
    const answer = await api("/v1/internal/imports", { key, method: "POST", body: data });
    out.replaceChildren();
    if (answer.ok) {
      const r = answer.body;
      out.append(el("p", { class: "ok", text: `${t("accepted")}: ${r.file} (${r.format}) · ${t("new")} ${num(r.new)} · ${t("unchanged")} ${num(r.unchanged)} · ${t("anomalies")} ${r.anomalies.length}` }));
      await loadImports(key);
      return;
    }
    const p = answer.body && typeof answer.body === "object" ? answer.body : {};
    const where = [p.file, p.line !== undefined && p.line !== null ? t("line") + " " + p.line : null, p.field ? t("field") + " " + p.field : null].filter(Boolean).join(", ");
    out.append(el("p", { class: "error", "data-line": p.line === undefined || p.line === null ? "" : String(p.line), "data-field": p.field || "" }, `${t("refused")} (${where || answer.status}): ${problemText(answer)}`));
  }

  async function renderEvents(key) {
    const box = document.getElementById("events");
    box.replaceChildren();
    const events = await api(`/v1/towns/${state.town}/events`, { key });
    const recent = events.ok ? events.body.items.filter((e) => e.kind !== "market").sort((a, b) => b.start.localeCompare(a.start)).slice(0, 5) : [];
    if (!recent.length) {
      box.append(el("p", { class: "note", text: t("no_data") }));
      return;
    }
    const list = el("ul", { class: "events" });
    box.append(list);
    for (const li of await Promise.all(recent.map((e) => eventItem(e, key, state.tz)))) list.append(li);
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
    document.getElementById("upload").addEventListener("submit", (e) => {
      e.preventDefault();
      busy(upload(e.target));
    });
    const key = stored.get();
    if (key) busy(signIn(key));
    else document.body.dataset.ready = "true";
  });
})();
