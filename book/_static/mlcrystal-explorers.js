// mlcrystal: the book's explorers on the static website, without a kernel.
//
// Each explorer's static view (mlcrystal/webview.py) holds disabled HTML
// controls, the data they need as JSON and the readout Python computed for
// the first setting. This script ports the closed-form physics behind the
// readout and the figure, enables the controls and redraws on every change:
//
// * anisotropy (chapter 5): Young's modulus along a unit vector n of a crystal
//   with Voigt stiffness C: 1/E(n) = a^T S a, S = C^-1, a = (n1^2, n2^2, n3^2,
//   n2 n3, n1 n3, n1 n2) (mlcrystal.crystal.tensors.directional_youngs_modulus);
//   the extreme moduli over all directions come precomputed from Python;
// * landscape (chapter 6): the blocking force of a cantilever with the net
//   eigen-curvature of a photostrained and a photothermal layer, pushing on a
//   load sensor (mlcrystal.force.landscape.BlockingForceLandscape.force); the
//   landscape's optimum comes precomputed from Python.
//
// `make site-check` (tools/sitecheck.py) sets every explorer's controls to at
// least 20 random settings and compares the readout with the Python functions
// to 3 significant figures; tests/site/test_explorers_js.py compares these
// functions with Python in Node. The physics is exported as
// window.mlcrystalPhysics for the chapter 7 experiment.
(function (root) {
  "use strict";

  // ------------------------------------------------------------------ physics
  function inverse6(C) {
    // Gauss-Jordan elimination with partial pivoting (C is symmetric positive definite)
    var n = 6, A = [], i, j, k;
    for (i = 0; i < n; i++) {
      A.push(C[i].slice().concat([0, 0, 0, 0, 0, 0]));
      A[i][n + i] = 1;
    }
    for (k = 0; k < n; k++) {
      var p = k;
      for (i = k + 1; i < n; i++) { if (Math.abs(A[i][k]) > Math.abs(A[p][k])) { p = i; } }
      var tmp = A[k]; A[k] = A[p]; A[p] = tmp;
      var piv = A[k][k];
      if (!(Math.abs(piv) > 0)) { throw new Error("singular stiffness matrix"); }
      for (j = 0; j < 2 * n; j++) { A[k][j] /= piv; }
      for (i = 0; i < n; i++) {
        if (i === k) { continue; }
        var f = A[i][k];
        if (f === 0) { continue; }
        for (j = 0; j < 2 * n; j++) { A[i][j] -= f * A[k][j]; }
      }
    }
    return A.map(function (row) { return row.slice(n); });
  }

  function direction(thetaDeg, phiDeg) {
    var t = thetaDeg * Math.PI / 180, p = phiDeg * Math.PI / 180;
    return [Math.sin(t) * Math.cos(p), Math.sin(t) * Math.sin(p), Math.cos(t)];
  }

  function youngs(S, n) {
    var a = [n[0] * n[0], n[1] * n[1], n[2] * n[2], n[1] * n[2], n[0] * n[2], n[0] * n[1]], s = 0;
    for (var i = 0; i < 6; i++) { for (var j = 0; j < 6; j++) { s += a[i] * S[i][j] * a[j]; } }
    return 1 / s;
  }

  // E along the plane holding +z and the azimuth phi; angle from +z (radians, 0..2 pi)
  function meridian(S, phiDeg, count) {
    var p = phiDeg * Math.PI / 180, out = [];
    for (var k = 0; k < count; k++) {
      var a = 2 * Math.PI * k / (count - 1);
      out.push([a, youngs(S, [Math.sin(a) * Math.cos(p), Math.sin(a) * Math.sin(p), Math.cos(a)])]);
    }
    return out;
  }

  function layerCurvature(strain, depth, T) {
    var x = T / depth, e = Math.exp(-x), oneMinusE = -Math.expm1(-x);
    var second = x > 1e-3 ? oneMinusE - x * e : x * x / 2 - x * x * x / 3 + x * x * x * x / 8;
    var bracket = T * depth / 2 * oneMinusE - depth * depth * second;
    return 12 * strain / (T * T * T) * bracket;
  }

  var POISSON_RATIO = 0.3, SHEAR_COEFFICIENT = 5 / 6;

  function blockingForce(E, L, W, T, kappa, sensor) {
    var inertia = W * T * T * T / 12, G = E / (2 * (1 + POISSON_RATIO));
    var sensorCompliance = sensor === null ? 0 : 1e3 / sensor;  // null: a rigid sensor
    var compliance = L * L * L / (3 * E * inertia) + L / (SHEAR_COEFFICIENT * G * W * T) + sensorCompliance;
    return 0.5 * Math.abs(kappa) * L * L / compliance;
  }

  function snapLength(land, L, T) { return Math.max(L, land.min_aspect_ratio * T); }

  // force (mN) of compound c; L must already satisfy the beam-theory limit
  function force(land, c, L, W, T, P) {
    var r = land.responses[String(c)];
    var photo = layerCurvature(r.strain * P / (P + r.p_sat), land.penetration_depth_um, T);
    var heat = layerCurvature(r.thermal * P, land.thermal_length_um, T);
    return blockingForce(land.moduli[String(c)], L, W, T, photo - heat, land.sensor_stiffness_N_m);
  }

  // ------------------------------------------------------- number formatting
  function fixed(x, d) { return (Math.abs(x) < 0.5 * Math.pow(10, -d) ? 0 : x).toFixed(d); }
  function signed(x, d) {  // Python's "{:+.3f}"
    return (x < 0 || Object.is(x, -0) ? "-" : "+") + Math.abs(x).toFixed(d);
  }
  function general(x, digits) {  // Python's "{:.3g}" for numbers between 1e-4 and 1e3
    var s = Number(x).toPrecision(digits);
    if (s.indexOf("e") < 0 && s.indexOf(".") >= 0) { s = s.replace(/0+$/, "").replace(/\.$/, ""); }
    return s;
  }
  // at least 3 significant figures: 2 decimals from 1 up, 3 significant figures below
  function sig3(x) { return Math.abs(x) >= 1 || x === 0 ? x.toFixed(2) : x.toPrecision(3); }

  // ------------------------------------------------------------------ SVG
  var SVG = "http://www.w3.org/2000/svg";
  function el(name, attrs, parent, text) {
    var node = document.createElementNS(SVG, name);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined) { node.textContent = text; }
    if (parent) { parent.appendChild(node); }
    return node;
  }
  function niceTicks(lo, hi, count) {
    var span = hi - lo, step = Math.pow(10, Math.floor(Math.log10(span / count)));
    var err = span / count / step;
    step *= err >= 7.5 ? 10 : err >= 3.5 ? 5 : err >= 1.5 ? 2 : 1;
    var out = [];
    for (var v = Math.ceil(lo / step - 1e-9) * step; v <= hi + 1e-9 * span; v += step) {
      out.push(Math.abs(v) < 1e-12 * span ? 0 : v);
    }
    return out;
  }
  function tickText(v) { return String(+v.toPrecision(6)); }
  var FONT = 13;  // CSS px: tick labels stay readable on a phone (the site check wants >= 9)
  var BLUE = "#0173b2";

  function legend(svg, x, y, items) {
    items.forEach(function (it, i) {
      var yy = y + i * (FONT + 7);
      if (it.marker) {
        el("circle", {cx: x + 12, cy: yy - 4, r: 5, fill: "#000"}, svg);
      } else {
        el("line", {x1: x, y1: yy - 4, x2: x + 24, y2: yy - 4, stroke: it.color, "stroke-width": 2,
                    "stroke-dasharray": it.dash || "none"}, svg);
      }
      el("text", {x: x + 32, y: yy, "font-size": FONT}, svg, it.text);
    });
  }

  function newSvg(box, width, height) {
    box.textContent = "";
    var svg = el("svg", {width: width, height: height, viewBox: "0 0 " + width + " " + height,
                         "aria-hidden": "true", focusable: "false", "font-family": "sans-serif",
                         class: "mlc-explorer-svg"}, box);
    return svg;
  }

  function polarPlot(box, curve, mark, title, phiDeg) {
    var width = Math.max(260, Math.min(box.clientWidth || 360, 460));
    var R = (width - 70) / 2, cx = width / 2, cy = 40 + R + FONT, height = cy + R + FONT + 40 + 4 * (FONT + 7);
    var svg = newSvg(box, width, height);
    var rmax = 1.08 * Math.max.apply(null, curve.map(function (p) { return p[1]; }));
    function xy(a, r) { return [cx + R * r / rmax * Math.sin(a), cy - R * r / rmax * Math.cos(a)]; }
    el("text", {x: cx, y: 18, "text-anchor": "middle", "font-size": FONT + 1}, svg, title);
    niceTicks(0, rmax, 4).forEach(function (v) {
      if (v <= 0 || v > rmax) { return; }
      el("circle", {cx: cx, cy: cy, r: R * v / rmax, fill: "none", stroke: "#ddd"}, svg);
      var p = xy(200 * Math.PI / 180, v);
      el("text", {x: p[0], y: p[1], "font-size": FONT, fill: "#333", "text-anchor": "middle"}, svg, tickText(v));
    });
    el("circle", {cx: cx, cy: cy, r: R, fill: "none", stroke: "#999"}, svg);
    for (var deg = 0; deg < 360; deg += 45) {
      var a = deg * Math.PI / 180, q = xy(a, rmax), t = xy(a, rmax * (1 + (FONT + 4) / R));
      el("line", {x1: cx, y1: cy, x2: q[0], y2: q[1], stroke: "#e4e4e4"}, svg);
      el("text", {x: t[0], y: t[1] + FONT / 3, "font-size": FONT, "text-anchor": "middle"}, svg, deg + "\u00b0");
    }
    el("polyline", {points: curve.map(function (p) { return xy(p[0], p[1]).join(","); }).join(" "),
                    fill: "none", stroke: BLUE, "stroke-width": 2}, svg);
    var m = xy(mark[0], mark[1]);
    el("line", {x1: cx, y1: cy, x2: m[0], y2: m[1], stroke: "#000"}, svg);
    el("circle", {cx: m[0], cy: m[1], r: 5.5, fill: "#000"}, svg);
    var y = cy + R + FONT + 36;
    el("text", {x: cx, y: y, "text-anchor": "middle", "font-size": FONT}, svg,
       "angle from +z (deg) in the plane of azimuth");
    el("text", {x: cx, y: y + FONT + 4, "text-anchor": "middle", "font-size": FONT}, svg,
       "phi = " + fixed(phiDeg, 0) + " deg; radius: E (GPa)");
    legend(svg, 20, y + 2 * (FONT + 7) + 4, [{color: BLUE, text: "E in this plane"},
                                              {marker: true, text: "E = " + sig3(mark[1]) + " GPa"}]);
  }

  function linePlot(box, o) {
    var width = Math.max(260, Math.min(box.clientWidth || 360, 560));
    var left = 14 + 4.2 * FONT, right = 12, top = 30, plotH = Math.round(Math.min(300, width * 0.62));
    var height = top + plotH + 2 * FONT + 22 + o.legend.length * (FONT + 7) + 8;
    var svg = newSvg(box, width, height), plotW = width - left - right;
    function X(v) { return left + plotW * (v - o.x[0]) / (o.x[1] - o.x[0]); }
    function Y(v) { return top + plotH * (1 - (v - o.y[0]) / (o.y[1] - o.y[0])); }
    el("text", {x: left + plotW / 2, y: 18, "text-anchor": "middle", "font-size": FONT + 1}, svg, o.title);
    niceTicks(o.y[0], o.y[1], 5).forEach(function (v) {
      el("line", {x1: left, x2: left + plotW, y1: Y(v), y2: Y(v), stroke: "#e4e4e4"}, svg);
      el("text", {x: left - 6, y: Y(v) + FONT / 3, "text-anchor": "end", "font-size": FONT, class: "mlc-tick"},
         svg, tickText(v));
    });
    niceTicks(o.x[0], o.x[1], width < 400 ? 4 : 6).forEach(function (v) {
      el("line", {x1: X(v), x2: X(v), y1: top, y2: top + plotH, stroke: "#e4e4e4"}, svg);
      el("text", {x: X(v), y: top + plotH + FONT + 4, "text-anchor": "middle", "font-size": FONT,
                  class: "mlc-tick"}, svg, tickText(v));
    });
    el("rect", {x: left, y: top, width: plotW, height: plotH, fill: "none", stroke: "#999"}, svg);
    el("text", {x: left + plotW / 2, y: top + plotH + 2 * FONT + 10, "text-anchor": "middle", "font-size": FONT},
       svg, o.xlabel);
    var yl = el("text", {x: 0, y: 0, "text-anchor": "middle", "font-size": FONT,
                         transform: "translate(" + (FONT + 2) + "," + (top + plotH / 2) + ") rotate(-90)"}, svg);
    yl.textContent = o.ylabel;
    (o.hlines || []).forEach(function (h) {
      el("line", {x1: left, x2: left + plotW, y1: Y(h.y), y2: Y(h.y), stroke: h.color,
                  "stroke-dasharray": "6 4", "stroke-width": 1.2}, svg);
    });
    o.series.forEach(function (s) {
      el("polyline", {points: s.points.map(function (p) { return X(p[0]) + "," + Y(p[1]); }).join(" "),
                      fill: "none", stroke: s.color, "stroke-width": 2}, svg);
    });
    (o.marks || []).forEach(function (m) { el("circle", {cx: X(m[0]), cy: Y(m[1]), r: 5.5, fill: "#000"}, svg); });
    legend(svg, left, top + plotH + 2 * FONT + 34, o.legend);
    return svg;
  }

  // ---------------------------------------------------------------- explorers
  var ports = {
    anisotropy: function (data, state) {
      var crystal = data.crystals.filter(function (c) { return c.value === state.crystal; })[0];
      if (!crystal.S) { crystal.S = inverse6(crystal.C); }
      var d = direction(state.theta, state.phi), E = youngs(crystal.S, d);
      var text = "n = (" + d.map(function (v) { return signed(v, 3); }).join(", ") + "): <b>E = " + sig3(E) +
        " GPa</b> (softest " + sig3(crystal.E_min) + ", stiffest " + sig3(crystal.E_max) +
        " GPa; E<sub>max</sub>/E<sub>min</sub> = " + (crystal.E_max / crystal.E_min).toFixed(2) + ")";
      var alt = "Polar plot of Young's modulus (GPa) of " + crystal.label + " against the angle from +z, in the " +
        "plane of azimuth phi = " + fixed(state.phi, 0) + " deg; the marked direction, theta = " +
        fixed(state.theta, 0) + " deg, has E = " + sig3(E) + " GPa.";
      return {text: text, alt: alt, draw: function (box) {
        polarPlot(box, meridian(crystal.S, state.phi, 361), [state.theta * Math.PI / 180, E], crystal.label, state.phi);
      }};
    },
    landscape: function (data, state) {
      var land = data.land, c = state.compound, best = data.best.force_mN;
      var L = snapLength(land, state.L_um, state.T_um);
      var F = force(land, c, L, state.W_um, state.T_um, state.P_mW_cm2);
      var text = "compound " + c + " (E = " + general(land.moduli[c], 3) + " GPa): <b>F = " + sig3(F) +
        " mN</b>, " + fixed(100 * F / best, 0) + " % of the landscape's best (" + best.toFixed(1) + " mN)";
      if (L > state.L_um) {
        text += "; length raised to " + fixed(L, 0) + " um (L/T >= " + general(land.min_aspect_ratio, 6) + ")";
      }
      var alt = "Blocking force (mN) against crystal thickness (um) for compound " + c + " at L = " +
        fixed(state.L_um, 0) + " um, W = " + fixed(state.W_um, 0) + " um and P = " + fixed(state.P_mW_cm2, 0) +
        " mW/cm2; the marked crystal, T = " + fixed(state.T_um, 0) + " um, gives " + sig3(F) +
        " mN, against the landscape's best of " + best.toFixed(1) + " mN (dashed line).";
      return {text: text, alt: alt, draw: function (box) {
        var pts = [], top = best, T0 = data.T_range[0], T1 = data.T_range[1];
        for (var k = 0; k <= 180; k++) {
          var T = T0 + (T1 - T0) * k / 180;
          var f = force(land, c, snapLength(land, state.L_um, T), state.W_um, T, state.P_mW_cm2);
          pts.push([T, f]);
          top = Math.max(top, f);
        }
        linePlot(box, {x: [T0, T1], y: [0, 1.1 * top], xlabel: "thickness T (um)", ylabel: "blocking force F (mN)",
          title: "W = " + fixed(state.W_um, 0) + " um, P = " + fixed(state.P_mW_cm2, 0) + " mW/cm\u00b2",
          series: [{points: pts, color: BLUE}], marks: [[state.T_um, F]], hlines: [{y: best, color: "#777"}],
          legend: [{color: BLUE, text: "compound " + c + ", L = " + fixed(state.L_um, 0) + " um (or L/T limit)"},
                   {marker: true, text: "this crystal: " + F.toFixed(1) + " mN"},
                   {color: "#777", dash: "6 4", text: "landscape's best"}]});
      }};
    },
  };

  // ------------------------------------------------ be the experimenter (chapter 7)
  function stepPoints(curve) {  // a best-so-far curve as a staircase, experiment 1..n
    var pts = [];
    curve.forEach(function (v, i) { pts.push([i + 1, v]); pts.push([i + 2, v]); });
    return pts;
  }
  var GAME_COLOURS = {"skopt BO": "#0173b2", "authors' loop": "#cc78bc", "grid in random order": "#029e73",
                      "random search": "#949494"};

  function setUpGame(box, data) {
    var game = data.game, budget = game.budget, member, forces, rows;
    var readout = box.querySelector(".mlc-explorer-readout"), plot = box.querySelector(".mlc-explorer-plot");
    var run = box.querySelector('button[name="run"]'), state = {};
    var log = document.createElement("ol");
    log.className = "mlc-log";
    log.setAttribute("aria-label", "your experiments");
    log.tabIndex = 0;  // it scrolls: keyboard users must reach it
    var results = document.createElement("div");
    results.className = "mlc-results-box";
    results.setAttribute("aria-live", "polite");
    var again = document.createElement("button");
    again.type = "button";
    again.textContent = "play again on another landscape";
    again.hidden = true;
    readout.parentNode.insertBefore(log, readout.nextSibling);
    log.parentNode.insertBefore(results, log.nextSibling);
    results.parentNode.insertBefore(again, results.nextSibling);

    function curve() {
      var best = -Infinity;
      return member.initial.map(function (r) { return r.force_mN; }).concat(forces).map(function (f) {
        best = Math.max(best, f); return best;
      });
    }
    function toTarget(values) {
      for (var i = 0; i < values.length; i++) { if (values[i] >= member.target_mN) { return i + 1; } }
      return null;
    }
    function draw(final) {
      var mine = curve(), n = mine.length, series = [], legendItems = [];
      if (final) {
        Object.keys(member.curves).forEach(function (label) {
          series.push({points: stepPoints(member.curves[label].slice(0, n)), color: GAME_COLOURS[label]});
          legendItems.push({color: GAME_COLOURS[label], text: label});
        });
      }
      series.push({points: stepPoints(mine), color: "#000"});
      legendItems.push({color: "#000", text: "you"});
      legendItems.push({color: "#777", dash: "6 4", text: "target (90 % of the optimum)"});
      var top = Math.max(member.target_mN, Math.max.apply(null, mine));
      if (final) { top = Math.max(top, member.optimum_mN); }
      linePlot(plot, {x: [1, game.n_initial + budget + 1], y: [0, 1.08 * top], xlabel: "experiment number",
        ylabel: "best force so far (mN)", title: final ? "your campaign and the optimisers'" : "your campaign so far",
        series: series, hlines: [{y: member.target_mN, color: "#777"}], legend: legendItems});
      plot.setAttribute("aria-label", "Best force so far against experiment number: yours reaches " +
        mine[n - 1].toFixed(1) + " mN after " + n + " experiments" + (final ? ", drawn beside skopt BO, the " +
        "authors' loop, a grid in random order and random search on the same landscape" : "") + ".");
    }
    function status() {
      var left = budget - forces.length;
      readout.innerHTML = left + " of " + budget + " experiments left" + (rows.length ?
        "; last: " + rows[rows.length - 1] : "; the study's 10 measurements are below") + ".";
    }
    function summary() {
      var mine = curve(), n = mine.length, hit = toTarget(mine), html = "", ratios = [];
      function shown(v, stored) {  // stored: the length of the stored campaign, which may go on past n
        if (v !== null && v <= n) { return String(v); }
        if (!stored) { return "not within " + n; }
        return "not within " + n + (v === null ? " (nor within " + stored + ")" : " (reached at " + v + ")");
      }
      html += "<p>This landscape was " + member.name + " of the ensemble (best possible force " +
        member.optimum_mN.toFixed(1) + " mN; target " + member.target_mN.toFixed(1) + " mN).</p>";
      html += '<table class="mlc-results"><caption>Experiments to target within the first ' + n +
        " experiments (the study's 10 included), and the best force reached</caption><thead><tr>" +
        '<th scope="col">campaign</th><th scope="col">experiments to target</th><th scope="col">best force (mN)' +
        "</th></tr></thead><tbody>";
      html += '<tr><th scope="row">you</th><td>' + shown(hit) + "</td><td>" + mine[n - 1].toFixed(1) + "</td></tr>";
      Object.keys(member.curves).forEach(function (label) {
        var c = member.curves[label];
        html += '<tr><th scope="row">' + label + "</th><td>" + shown(member.to_target[label], c.length) + "</td><td>" +
          c[Math.min(n, c.length) - 1].toFixed(1) + "</td></tr>";
      });
      html += "</tbody></table>";
      [["grid", "a 4-level grid's"], ["random", "random sampling's"]].forEach(function (k) {
        var g = member.baselines[k[0]], r;
        if (hit === null) { r = 0; } else if (g === null) { r = Infinity; } else { r = g / hit; }
        ratios.push("against " + k[1] + " expected first hit (" + (g === null ? "never" : g.toFixed(0) +
          " experiments") + "): <b>" + (r === Infinity ? "infinite (the baseline never reaches the target)" :
          r === 0 ? "0 (you did not reach the target)" : r.toFixed(1)) + "</b>");
      });
      html += "<p>Your efficiency ratio " + ratios[0] + "; " + ratios[1] + ".</p>";
      results.innerHTML = html;
    }
    function start(index) {
      member = game.members[index];
      forces = [];
      rows = [];
      box.setAttribute("data-mlc-member", member.name);
      log.innerHTML = "";
      member.initial.forEach(function (r, i) {
        var li = document.createElement("li");
        li.textContent = "compound " + r.compound + ", L " + fixed(r.L_um, 0) + ", W " + fixed(r.W_um, 0) + ", T " +
          fixed(r.T_um, 0) + " um, P " + fixed(r.P_mW_cm2, 0) + " mW/cm2: " + sig3(r.force_mN) + " mN (the study's)";
        log.appendChild(li);
      });
      results.innerHTML = "";
      again.hidden = true;
      run.disabled = false;
      run.removeAttribute("aria-describedby");
      run.textContent = "run the experiment";
      status();
      draw(false);
    }
    data.controls.forEach(function (c) {
      if (c.kind === "button") { return; }
      var input = box.querySelector('[name="' + c.name + '"]');
      var output = box.querySelector('output[for="' + input.id + '"]');
      state[c.name] = c.kind === "select" ? String(c.value) : Number(c.value);
      input.disabled = false;
      input.addEventListener("input", function () {
        state[c.name] = c.kind === "select" ? input.value : Number(input.value);
        if (output) { output.textContent = input.value; }
      });
    });
    run.addEventListener("click", function () {
      if (forces.length >= budget) { return; }
      var land = member.land, c = Number(state.compound);
      var L = snapLength(land, state.L_um, state.T_um);
      var F = force(land, c, L, state.W_um, state.T_um, state.P_mW_cm2);
      forces.push(F);
      var text = "compound " + c + ", L " + fixed(L, 0) + ", W " + fixed(state.W_um, 0) + ", T " + fixed(state.T_um, 0) +
        " um, P " + fixed(state.P_mW_cm2, 0) + " mW/cm2: F = " + sig3(F) + " mN";
      rows.push(text);
      var li = document.createElement("li");
      li.textContent = text;
      log.appendChild(li);
      status();
      if (forces.length >= budget) {
        run.disabled = true;
        run.textContent = "budget spent";
        draw(true);
        summary();
        again.hidden = false;
      } else {
        draw(false);
      }
    });
    again.addEventListener("click", function () {
      start(Math.floor(Math.random() * game.members.length));
      run.focus();
    });
    var note = box.querySelector(".mlc-explorer-status");
    note.textContent = "Runs in your browser: choose a crystal and the light, run the experiment, and watch the force.";
    note.classList.add("mlc-live");
    start(Math.floor(Math.random() * game.members.length));
    box.setAttribute("data-mlc-ready", "true");
    var width = plot.clientWidth, timer;
    window.addEventListener("resize", function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        if (plot.clientWidth !== width) { width = plot.clientWidth; draw(forces.length >= budget); }
      }, 120);
    });
    // for the site check: start on a named landscape
    box.mlcStart = function (name) {
      var i = game.members.map(function (m) { return m.name; }).indexOf(name);
      start(i < 0 ? 0 : i);
    };
  }

  function setUp(box) {
    if (box.getAttribute("data-mlc-ready")) { return; }
    var script = box.querySelector("script.mlc-explorer-data"), data = JSON.parse(script.textContent);
    if (data.kind === "experimenter") { setUpGame(box, data); return; }
    var port = ports[data.kind];
    if (!port) { return; }
    var state = {}, readout = box.querySelector(".mlc-explorer-readout"), plot = box.querySelector(".mlc-explorer-plot");
    var view;
    function render() {
      view = port(data, state);
      readout.innerHTML = view.text;
      plot.setAttribute("aria-label", view.alt);
      view.draw(plot);
    }
    data.controls.forEach(function (c) {
      var input = box.querySelector('[name="' + c.name + '"]');
      var output = box.querySelector('output[for="' + input.id + '"]');
      // the first setting is the one Python computed (a range snaps its value to its steps)
      state[c.name] = c.kind === "select" ? String(c.value) : Number(c.value);
      input.disabled = false;
      input.addEventListener("input", function () {
        state[c.name] = c.kind === "select" ? input.value : Number(input.value);
        if (output) { output.textContent = input.value; }
        render();
      });
      input.addEventListener("change", function () { input.dispatchEvent(new Event("input")); });
    });
    var status = box.querySelector(".mlc-explorer-status");
    status.textContent = "Runs in your browser: move a control and the readout and the figure follow.";
    status.classList.add("mlc-live");
    box.setAttribute("data-mlc-ready", "true");
    render();
    var width = plot.clientWidth, timer;
    window.addEventListener("resize", function () {
      clearTimeout(timer);
      timer = setTimeout(function () { if (plot.clientWidth !== width) { width = plot.clientWidth; view.draw(plot); } }, 120);
    });
  }

  var api = {inverse6: inverse6, direction: direction, youngs: youngs, meridian: meridian,
             layerCurvature: layerCurvature, blockingForce: blockingForce, snapLength: snapLength, force: force,
             sig3: sig3, fixed: fixed, general: general, niceTicks: niceTicks, linePlot: linePlot, setUp: setUp};
  if (typeof module !== "undefined" && module.exports) { module.exports = api; }
  if (typeof document === "undefined") { return; }
  root.mlcrystalPhysics = api;
  function start() { document.querySelectorAll(".mlc-explorer").forEach(setUp); }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})(typeof window !== "undefined" ? window : this);
