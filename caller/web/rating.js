// The 好差评 form both the evaluator tablet (rate.html) and the phone page (ticket.html) show: five levels,
// a reason required for the two lowest, one POST /api/v1/ratings. The page says which ticket and channel.
function ratingForm(channel, onRated) {
  const $ = id => document.getElementById(id);
  let ticket = null, chosen = null, sending = false;

  function show(ticketId) {
    ticket = ticketId; chosen = null;
    $("reason").hidden = true; $("reason").value = "";
    $("form").innerHTML = [5, 4, 3, 2, 1].map(l =>
      `<button data-level="${l}" class="${l < 3 ? "warn" : "green"}">${STRINGS.levels[l]}</button>`).join("");
  }

  function hide() {
    ticket = null;
    $("form").innerHTML = ""; $("reason").hidden = true; $("reason").value = "";
  }

  async function send(level) {
    if (sending || !ticket) return;
    if (level <= 2 && !$("reason").value.trim()) {
      chosen = level; $("reason").hidden = false; $("reason").placeholder = t("rate_reason");
      $("message").textContent = t("rate_reason");
      $("form").innerHTML = `<button id="submit" class="warn">${t("rate_submit")}（${STRINGS.levels[level]}）</button>`;
      return;
    }
    sending = true;
    const answer = await api("POST", "/api/v1/ratings", null,
                             {ticket, level, reason: $("reason").value.trim() || null, channel});
    sending = false;
    hide();
    $("message").textContent = answer.ok ? t("rate_thanks") : (answer.body?.message || "").split(" / ")[0];
    if (onRated) onRated(answer.ok);
  }

  document.addEventListener("click", e => {
    const b = e.target.closest("button");
    if (!b) return;
    if (b.dataset.level) send(parseInt(b.dataset.level, 10));
    if (b.id === "submit") send(chosen);
  });
  return {show, hide};
}
