// Step charts of supporters over time (uPlot): zoom by dragging, double-click to reset, values on
// hover; milestones as dashed lines, outcomes as dated markers. Data comes from the page's JSON block.
"use strict";
(function () {
  const holder = document.getElementById("chart");
  const source = document.getElementById("chart-data");
  if (!holder || !source || typeof uPlot === "undefined") return;
  const data = JSON.parse(source.textContent);
  const COLORS = ["#1f5fbf", "#c2410c", "#15803d", "#7e22ce", "#0e7490", "#a16207", "#be185d", "#475569"];
  const number = new Intl.NumberFormat();
  const stamp = uPlot.fmtDate("{YYYY}-{MM}-{DD} {HH}:{mm}");
  // x-axis labels: [tick spacing, label, first-of-year, -, first-of-month, -, first-of-day, -, mode]
  const TIME_AXIS = [
    [3600 * 24 * 365, "{YYYY}", null, null, null, null, null, null, 1],
    [3600 * 24 * 28, "{MMM}", "\n{YYYY}", null, null, null, null, null, 1],
    [3600 * 24, "{D} {MMM}", "\n{YYYY}", null, null, null, null, null, 1],
    [3600, "{HH}:{mm}", "\n{D} {MMM}", null, "\n{D} {MMM}", null, null, null, 1],
    [60, "{HH}:{mm}", "\n{D} {MMM}", null, "\n{D} {MMM}", null, null, null, 1],
    [1, ":{ss}", "\n{D} {MMM} {YYYY} {HH}:{mm}", null, "\n{D} {MMM} {HH}:{mm}", null, "\n{HH}:{mm}", null, 1],
    [0.001, ":{ss}.{fff}", "\n{D} {MMM} {YYYY} {HH}:{mm}", null, "\n{D} {MMM} {HH}:{mm}", null, "\n{HH}:{mm}", null, 1],
  ];
  //: campaigns with more petitions draw the largest ones and one line for all the others
  const MAX_LINES = 8;

  // Each series has its own times; uPlot wants one x array, so values are carried forward (a count
  // holds until the next observation says otherwise), leaving gaps where the source had no count.
  function align(series) {
    const times = Array.from(new Set(series.flatMap(function (s) { return s.t; }))).sort(function (a, b) { return a - b; });
    const columns = series.map(function (s) {
      const out = new Array(times.length).fill(null);
      let j = 0;
      let last = null;
      let started = false;  // before its first observation a series has no value
      for (let i = 0; i < times.length; i++) {
        while (j < s.t.length && s.t[j] <= times[i]) { last = s.v[j]; started = true; j++; }
        out[i] = started ? last : null;
      }
      return out;
    });
    return [times].concat(columns);
  }

  // The combined total (campaigns): at each time, the sum of the counts in force on every platform.
  function withTotal(columns) {
    const total = columns[0].map(function (_t, i) {
      let sum = null;
      for (let k = 1; k < columns.length; k++) {
        const v = columns[k][i];
        if (v !== null) sum = (sum || 0) + v;
      }
      return sum;
    });
    return columns.concat([total]);
  }

  const series = data.series.filter(function (s) { return s.t.length > 0; });
  if (series.length === 0) {
    holder.textContent = "No supporter counts recorded yet.";
    return;
  }
  // Beyond MAX_LINES petitions, the smaller ones are summed into one "others" line.
  function lastOf(column) {
    for (let i = column.length - 1; i >= 0; i--) if (column[i] !== null) return column[i];
    return 0;
  }
  const order = series.map(function (_s, i) { return i; });
  let kept = order;
  let others = [];
  if (series.length > MAX_LINES) {
    const latest = align(series).slice(1).map(lastOf);
    order.sort(function (a, b) { return latest[b] - latest[a]; });
    kept = order.slice(0, MAX_LINES - 1);
    others = order.slice(MAX_LINES - 1);
  }
  function build() {
    const columns = align(series);
    const lines = [columns[0]].concat(kept.map(function (i) { return columns[i + 1]; }));
    if (others.length) {
      lines.push(withTotal([columns[0]].concat(others.map(function (i) { return columns[i + 1]; })))[others.length + 1]);
    }
    return data.total ? lines.concat([withTotal(columns)[columns.length]]) : lines;
  }
  let aligned = build();
  const specs = kept.map(function (i, n) {
    return { label: series[i].label, color: COLORS[n % COLORS.length], width: 2 };
  });
  if (others.length) specs.push({ label: others.length + " other petitions", color: "#94a3b8", width: 2 });
  if (data.total) specs.push({ label: data.total, color: "#111827", width: 2.5, dash: [6, 4] });

  function drawMarks(u) {
    const ctx = u.ctx;
    const left = u.bbox.left;
    const top = u.bbox.top;
    const right = left + u.bbox.width;
    const bottom = top + u.bbox.height;
    const ratio = window.devicePixelRatio || 1;
    ctx.save();
    ctx.font = (11 * ratio) + "px system-ui, sans-serif";
    ctx.lineWidth = ratio;
    for (const m of data.milestones || []) {
      const y = u.valToPos(m.value, "y", true);
      if (y < top || y > bottom) continue;
      ctx.strokeStyle = "#9aa5b4";
      ctx.setLineDash([4 * ratio, 4 * ratio]);
      ctx.beginPath(); ctx.moveTo(left, y); ctx.lineTo(right, y); ctx.stroke();
      ctx.setLineDash([]);
      ctx.fillStyle = "#4a5462";
      ctx.textAlign = "left";
      ctx.fillText(m.label, left + 4 * ratio, y - 3 * ratio);
    }
    for (const e of data.events || []) {
      const x = u.valToPos(e.t, "x", true);
      if (x < left || x > right) continue;
      ctx.strokeStyle = "#c2410c";
      ctx.beginPath(); ctx.moveTo(x, top); ctx.lineTo(x, bottom); ctx.stroke();
      ctx.fillStyle = "#9a3412";
      ctx.textAlign = x > (left + right) / 2 ? "right" : "left";
      ctx.fillText(e.label, x + (ctx.textAlign === "left" ? 4 : -4) * ratio, top + 12 * ratio);
    }
    ctx.restore();
  }

  function size() {
    const width = Math.max(280, holder.clientWidth);
    return { width: width, height: width < 600 ? 260 : 340 };
  }

  function padded(_u, min, max) {
    if (min === null || max === null) return [0, 1];
    const pad = (max - min) * 0.08 || Math.max(1, Math.abs(max) * 0.02);
    return [Math.max(0, min - pad), max + pad];
  }

  const stepped = uPlot.paths.stepped({ align: 1 });
  const options = Object.assign(size(), {
    cursor: { drag: { x: true, y: false }, points: { size: 7 } },
    scales: { x: { time: true }, y: { range: padded } },
    axes: [
      { values: TIME_AXIS, space: 70 },
      {
        values: function (_u, ticks) { return ticks.map(function (v) { return number.format(v); }); },
        size: function (_u, values) {
          const longest = values ? Math.max.apply(null, values.map(function (v) { return String(v).length; })) : 5;
          return 18 + longest * 7.5;
        },
      },
    ],
    series: [{ label: "Time", value: function (_u, t) { return t === null || t === undefined ? "—" : stamp(new Date(t * 1000)); } }].concat(specs.map(function (s) {
      return {
        label: s.label, stroke: s.color, width: s.width, dash: s.dash, paths: stepped, spanGaps: false,
        points: { show: false },
        value: function (_u, v) { return v === null || v === undefined ? "—" : number.format(v); },
      };
    })),
    hooks: { draw: [drawMarks] },
  });
  // Zoomed into a downsampled series: ask the API for the window at full detail and merge it in.
  let refined = "";
  let timer = null;
  function refine(u) {
    const min = u.scales.x.min;
    const max = u.scales.x.max;
    const all = aligned[0];
    if (!data.detail || min === null || max === null || (min <= all[0] && max >= all[all.length - 1])) return;
    const iso = function (t) { return new Date(t * 1000).toISOString(); };
    const url = data.detail + "?from=" + encodeURIComponent(iso(min)) + "&to=" + encodeURIComponent(iso(max)) + "&points=1000";
    if (url === refined) return;
    refined = url;
    fetch(url, { headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (found) {
        if (!found || !found.points) return;
        const s = series[0];
        const keep = s.t.map(function (t, i) { return [t, s.v[i]]; }).filter(function (p) { return p[0] < min || p[0] > max; });
        const fresh = found.points.map(function (p) { return [Math.floor(Date.parse(p.at) / 1000), p.supporters]; });
        const merged = keep.concat(fresh).sort(function (a, b) { return a[0] - b[0]; });
        s.t = merged.map(function (p) { return p[0]; });
        s.v = merged.map(function (p) { return p[1]; });
        aligned = build();
        u.setData(aligned, false);
        holder.dataset.refined = String(fresh.length);
      })
      .catch(function () { /* the downsampled view stays */ });
  }
  options.hooks.setScale = [function (u, key) {
    if (key !== "x") return;
    clearTimeout(timer);
    timer = setTimeout(function () { refine(u); }, 200);
  }];

  holder.textContent = "";
  const plot = new uPlot(options, aligned, holder);
  holder.dataset.drawn = String(aligned[0].length);
  holder.uplot = plot;  // for tests and the console
  window.addEventListener("resize", function () { plot.setSize(size()); });
})();
