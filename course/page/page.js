// course serve's page: draw on #pad; on every pen-up the drawing goes to POST /api/predict, and every
// number the answer holds is drawn here. Nothing is computed on this page that the server did not send,
// except colours and the share of the saliency in the top half.
"use strict";

const RED = [178, 24, 43], BLUE = [33, 102, 172];  // the lessons' colours: red for the answer, blue against it
const NAMES = {logistic: "softmax regression (lesson 2)", mlp: "MLP (lesson 2)", cnn: "CNN (lesson 3)"};
const $ = (id) => document.getElementById(id);
const pad = $("pad"), pen = pad.getContext("2d");
let strokes = [], stroke = null, reading = null, asked = 0;

// ---------------------------------------------------------------- the drawing pad
function penWidth(tool) { return pad.width / (tool === "eraser" ? 7 : 14); }

function paint() {
  pen.fillStyle = "white";
  pen.fillRect(0, 0, pad.width, pad.height);
  pen.lineCap = pen.lineJoin = "round";
  for (const s of strokes) {
    pen.strokeStyle = s.tool === "eraser" ? "white" : "black";
    pen.lineWidth = penWidth(s.tool);
    pen.beginPath();
    pen.moveTo(...s.points[0]);
    for (const p of s.points) pen.lineTo(...p);
    if (s.points.length === 1) pen.lineTo(s.points[0][0] + 0.1, s.points[0][1]);  // a dot
    pen.stroke();
  }
}

function where(event) {
  const box = pad.getBoundingClientRect();
  return [(event.clientX - box.left) * pad.width / box.width, (event.clientY - box.top) * pad.height / box.height];
}

pad.addEventListener("pointerdown", (event) => {
  event.preventDefault();
  if (stroke) return;  // one stroke at a time: a second finger or a palm is ignored
  pad.setPointerCapture(event.pointerId);
  stroke = {tool: document.querySelector("input[name=tool]:checked").value, points: [where(event)],
            pointer: event.pointerId};
  strokes.push(stroke);
  paint();
});
pad.addEventListener("pointermove", (event) => {
  if (!stroke || event.pointerId !== stroke.pointer) return;
  stroke.points.push(where(event));
  paint();
});
for (const type of ["pointerup", "pointercancel"]) {
  pad.addEventListener(type, (event) => {
    if (!stroke || event.pointerId !== stroke.pointer) return;
    stroke = null;
    readPad(performance.now());
  });
}

$("undo").addEventListener("click", () => { strokes.pop(); paint(); readPad(); });
$("clear").addEventListener("click", () => { strokes = []; paint(); readPad(); });
document.addEventListener("keydown", (event) => {
  if ((event.ctrlKey || event.metaKey) && event.key === "z") { event.preventDefault(); $("undo").click(); }
});

// A photo, chosen or dropped on the pad, goes through the same pre-processing as `course predict`.
$("photo").addEventListener("change", () => { if ($("photo").files.length) ask($("photo").files[0]); });
pad.addEventListener("dragover", (event) => event.preventDefault());
pad.addEventListener("drop", (event) => {
  event.preventDefault();
  if (event.dataTransfer.files.length) ask(event.dataTransfer.files[0]);
});

function readPad(penUp = performance.now()) {
  if (!strokes.some((s) => s.tool === "pen")) { asked++; showNothing("Draw a digit on the pad."); return; }
  // toDataURL answers at once; headless browsers delay canvas.toBlob by up to a second.
  const base64 = pad.toDataURL("image/png").split(",")[1];
  const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
  ask(new Blob([bytes], {type: "image/png"}), penUp);
}

// ---------------------------------------------------------------- asking the server
// data-milliseconds: from pen-up (or the photo's choice) to the answer shown, as benchmarks/serve_latency.py reads it.
async function ask(picture, started = performance.now()) {
  const number = ++asked;
  $("prediction").dataset.asked = number;  // with data-answered: lets a test wait for the answer it caused
  let reply, ok;
  try {
    const response = await fetch("/api/predict", {method: "POST", body: picture,
                                                   headers: {"Content-Type": picture.type || "application/octet-stream"}});
    ok = response.ok;
    reply = await response.json();
  } catch (error) {
    ok = false;
    reply = {error: "the server does not answer: is `course serve` still running?"};
  }
  if (number !== asked) return;  // a newer drawing was sent meanwhile: only its answer is shown
  if (ok) { reading = reply; show(reply); } else showNothing(`No answer: ${reply.error}`);
  requestAnimationFrame(() => {  // the next frame: the answer is on screen
    $("prediction").dataset.milliseconds = (performance.now() - started).toFixed(0);
    $("prediction").dataset.answered = number;
  });
}

async function waitUntilReady() {
  try {
    const state = await (await fetch("/api/status")).json();
    if (state.problem) { $("status").textContent = `The models cannot be made ready: ${state.problem}`; return; }
    if (state.ready) {
      $("status").textContent = "Ready. The models: " + Object.values(state.models).join("; ") + ".";
      document.body.dataset.ready = "yes";
      return;
    }
    $("status").textContent = "Getting ready: the models are being trained (progress in the terminal)…";
  } catch (error) {
    $("status").textContent = "Waiting for the server…";
  }
  setTimeout(waitUntilReady, 1000);
}

// ---------------------------------------------------------------- showing the answer
const percent = (p) => `${(100 * p).toFixed(1)}%`;

function showNothing(message) {
  reading = null;
  $("prediction").textContent = message;
  for (const id of ["models", "steps", "intensities", "black-and-white-answer", "saliency-caption",
                    "feature-maps", "hidden-caption", "hidden-units"]) $(id).replaceChildren();
  $("saliency").getContext("2d").clearRect(0, 0, 28, 28);
}

function show(r) {
  const [answer, runnerUp] = [r.prediction, r.saliency.runner_up];  // ranked by the server, before rounding
  $("prediction").textContent = `${answer}: the CNN gives it ${percent(r.probabilities[answer])}; ` +
    `the runner-up is ${runnerUp} (${percent(r.probabilities[runnerUp])}).`;
  showModels(r.models);
  showSteps(r.steps);
  showIntensities();
  showSaliency(r.saliency);
  showFeatureMaps(r.feature_maps);
  showHiddenUnits(r.hidden_units);
}

function element(tag, attributes = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attributes)) {
    if (k === "style") Object.assign(e.style, v);  // set property by property: the page allows no inline style text
    else e.setAttribute(k, v);
  }
  e.append(...children);
  return e;
}

function showModels(models) {
  $("models").replaceChildren(...Object.entries(models).map(([name, m]) => {
    const rows = m.probabilities.map((p, d) => element("li", {class: d === m.prediction ? "top" : ""},
      element("span", {class: "digit"}, String(d)),
      element("span", {class: "bar"}, element("span", {style: {width: `${(100 * p).toFixed(1)}%`}})),
      element("span", {class: "value"}, percent(p) + (d === m.prediction ? " ◀" : ""))));
    return element("figure", {class: "model", "data-model": name},
      element("figcaption", {}, `${NAMES[name]}: ${m.prediction}`), element("ol", {start: 0}, ...rows));
  }));
}

function showSteps(steps) {
  $("steps").replaceChildren(...steps.map((s) => element("li", {},
    element("img", {src: s.image, alt: `the picture after "${s.name}"`}),
    element("strong", {}, s.name), element("span", {}, ` ${s.sentence}`))));
}

function showIntensities() {
  if (!reading) return;
  const blackAndWhite = $("black-and-white").checked;
  const values = blackAndWhite ? reading.black_and_white.intensities : reading.intensities;
  $("intensities").replaceChildren(...values.map((row) => element("tr", {}, ...row.map((v) => {
    const shade = Math.round(255 * (1 - v));
    return element("td", {style: {background: `rgb(${shade},${shade},${shade})`, color: v > 0.5 ? "white" : "#555"}},
                   v === 0 ? "0" : v === 1 ? "1" : v.toFixed(2).replace(/^0/, ""));
  }))));
  const answers = reading.black_and_white.models;
  $("black-and-white-answer").textContent = blackAndWhite
    ? "In black and white: " + Object.entries(answers).map(([name, m]) =>
        `${NAMES[name]} says ${m.prediction} (${percent(m.probabilities[m.prediction])})`).join(", ") + "."
    : `Between 0 and 1, ${values.flat().filter((v) => v > 0 && v < 1).length} of the 784 pixels are grey.`;
}
$("black-and-white").addEventListener("change", showIntensities);

function diverging(value, limit) {  // white at 0, red towards +limit, blue towards -limit
  const t = Math.min(1, Math.abs(value) / (limit || 1)), [r, g, b] = value > 0 ? RED : BLUE;
  return [255 + t * (r - 255), 255 + t * (g - 255), 255 + t * (b - 255)];
}

function drawMap(canvas, rows, colour) {
  const h = rows.length, w = rows[0].length;
  canvas.width = w; canvas.height = h;
  const context = canvas.getContext("2d"), image = context.createImageData(w, h);
  rows.flat().forEach((v, k) => { image.data.set([...colour(v, k), 255], 4 * k); });
  context.putImageData(image, 0, 0);
}

function showSaliency(s) {
  const flat = s.values.flat(), limit = Math.max(...flat.map(Math.abs)), ink = reading.intensities.flat();
  // the digit's ink darkens the colours a little, so that the map lines up with the digit
  drawMap($("saliency"), s.values, (v, k) => diverging(v, limit).map((c) => c * (1 - 0.3 * ink[k])));
  const size = (rows) => rows.flat().reduce((sum, v) => sum + Math.abs(v), 0);
  const top = size(s.values.slice(0, 14)) / (size(s.values) || 1);
  $("saliency-caption").textContent = `Red: a little more ink there would raise the score of ${s.answer} over ` +
    `${s.runner_up} (the runner-up); blue: it would favour ${s.runner_up}. ` +
    `${Math.round(100 * top)}% of the map's total size lies in the top half of the image.`;
}

function showFeatureMaps(layers) {
  $("feature-maps").replaceChildren(...layers.map((layer) => {
    const largest = Math.max(...layer.maps.flat(2)) || 1, [h, w] = [layer.maps[0].length, layer.maps[0][0].length];
    const maps = layer.maps.map((rows, k) => {
      const canvas = element("canvas", {title: `${layer.layer}, map ${k}: largest value ` +
                                                 `${Math.max(...rows.flat()).toFixed(2)}`});
      drawMap(canvas, rows, (v) => { const s = 255 - Math.round(255 * v / largest); return [s, s, s]; });
      return canvas;
    });
    return element("figure", {class: "layer"}, element("figcaption", {},
      `${layer.layer}: ${layer.maps.length} maps of ${h}×${w} (largest value ${largest.toFixed(2)})`),
      element("div", {class: "maps"}, ...maps));
  }));
}

function showHiddenUnits(hidden) {
  $("hidden-caption").textContent = `${hidden.fired} of the MLP's ${hidden.units} hidden units fired (output above ` +
    `0). The ${hidden.top.length} that fired most, each drawn as the weights it gives the 784 pixels (red: ink ` +
    `there raises its output; blue: lowers it), with its vote for ${hidden.answer} (output × its weight to ${hidden.answer}):`;
  $("hidden-units").replaceChildren(...hidden.top.map((u) => {
    const limit = Math.max(...u.weights.flat().map(Math.abs));
    const canvas = element("canvas", {class: "unit"});
    drawMap(canvas, u.weights, (v) => diverging(v, limit));
    return element("figure", {class: "unit"}, canvas, element("figcaption", {},
      `unit ${u.unit}: output ${u.output.toFixed(2)}, vote ${u.vote >= 0 ? "+" : ""}${u.vote.toFixed(2)}`));
  }));
}

paint();
waitUntilReady();
