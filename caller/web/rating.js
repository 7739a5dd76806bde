// The 好差评 form both the evaluator tablet (rate.html) and the phone page (ticket.html) show: five levels; for
// 不满意 and 非常不满意 the reason classes (GET /api/v1/ratings/reasons) and an optional text, then a submit;
// the level can be changed until the rating is sent. One POST /api/v1/ratings carrying what the page holds:
// the slip's code (phone) or, with the tablet's evaluator token, the ticket it shows.
function ratingForm(token, onRated) {
  const $ = id => document.getElementById(id);
  let target = null, chosen = null, picked = new Set(), sending = false, reasons = [];
  api("GET", "/api/v1/ratings/reasons").then(a => { if (a.ok) reasons = a.body; });

  function show(what) {
    target = what; chosen = null; picked = new Set();
    $("reason").value = ""; $("message").textContent = "";
    draw();
  }

  function draw() {
    const levels = [5, 4, 3, 2, 1].map(l =>
      `<button data-level="${l}" class="${l < 3 ? "warn" : "green"}${l === chosen ? " chosen" : ""}">${STRINGS.levels[l]}</button>`);
    const low = chosen !== null && chosen <= 2;
    const extra = low ? `<p>${t("rate_reason")}</p><div class="reasons">` + reasons.map(r =>
      `<button data-reason="${r.id}" class="${picked.has(r.id) ? "picked" : "grey"}">${r.name}</button>`).join("") +
      "</div>" : "";
    $("form").innerHTML = levels.join("") + extra;
    $("send").innerHTML = low ? `<button id="submit" class="warn">${t("rate_submit")}（${STRINGS.levels[chosen]}）</button>` : "";
    $("reason").hidden = !(chosen !== null && chosen <= 2);
    $("reason").placeholder = t("rate_reason_text");
  }

  function hide() {
    target = null;
    $("form").innerHTML = ""; $("send").innerHTML = ""; $("reason").hidden = true; $("reason").value = "";
  }

  async function send() {
    if (sending || !target || chosen === null) return;
    sending = true;
    const body = {...target, level: chosen, reasons: [...picked], reason: $("reason").value.trim() || null};
    const answer = await api("POST", "/api/v1/ratings", token, body);
    sending = false;
    if (answer.ok || answer.status === 409) {
      hide();
      $("message").textContent = answer.ok ? t("rate_thanks") : (answer.body?.message || "").split(" / ")[0];
      if (onRated) onRated(answer.ok);
    } else {  // a missing reason, say: the form stays as it was, with the caller's words
      $("message").textContent = t("rate_failed", {message: (answer.body?.message || answer.status + "").split(" / ")[0]});
    }
  }

  document.addEventListener("click", e => {
    const b = e.target.closest("button");
    if (!b || !target) return;
    if (b.dataset.level) {
      chosen = parseInt(b.dataset.level, 10);
      if (chosen >= 3) { send(); return; }  // the satisfied majority rate with one touch
      $("message").textContent = ""; draw();
    } else if (b.dataset.reason) {
      picked.has(b.dataset.reason) ? picked.delete(b.dataset.reason) : picked.add(b.dataset.reason);
      draw();
    } else if (b.id === "submit") {
      send();
    }
  });
  return {show, hide};
}
