// The open notices (help tasks, device conditions) in one table, with 接单 / 办结 buttons: the 咨询台 page and the
// help window's console use it (after strings.js and staff.js). `follow(token, into)` draws them and returns `onEvent` for the page's stream.
const Notices = (() => {
  let token = "", into = null, busy = false;

  function row(n) {
    const who = n.acknowledged_by ? t("notice_taken_by", {who: n.acknowledged_by}) : t("notice_untaken");
    const escalated = n.escalated ? ` <b class="warn-text">${t("notice_escalated")}</b>` : "";
    const take = n.acknowledged_by ? "" : `<button class="grey" data-notice-take="${n.id}">${t("notice_take")}</button>`;
    const done = n.kind === "help" ? `<button class="green" data-notice-done="${n.id}">${t("notice_done")}</button>`
                                   : `<span class="hint">${t("notice_clears_itself")}</span>`;
    const note = n.note ? `（${escapeHtml(n.note)}）` : "";
    return `<tr data-notice="${n.id}" class="notice-${n.kind}"><td>${hallTime(n.raised_at)}</td>` +
      `<td>${escapeHtml(n.source)}</td><td><b>${n.condition_name}</b>${note}${escalated}</td><td>${who}</td>` +
      `<td>${take}${done}</td></tr>`;
  }

  async function refresh() {
    if (!token || !into) return;
    const answer = await api("GET", "/api/v1/notices", token);
    if (!answer.ok) return;
    const html = answer.body.length ? `<table>${answer.body.map(row).join("")}</table>` : t("notices_none");
    if (into.dataset.shown !== html) { into.innerHTML = html; into.dataset.shown = html; }
  }

  async function act(path) {
    if (busy) return;
    busy = true;
    try {
      const answer = await api("POST", path, token);
      const error = into.parentElement.querySelector(".notices-error");
      if (error) error.textContent = answer.ok ? "" : refusal(answer);
    } finally { busy = false; await refresh(); }
  }

  document.addEventListener("click", e => {
    const b = e.target.closest("button");
    if (!b || !token) return;
    if (b.dataset.noticeTake) act(`/api/v1/notices/${b.dataset.noticeTake}/acknowledge`);
    if (b.dataset.noticeDone) act(`/api/v1/notices/${b.dataset.noticeDone}/done`);
  });

  return {
    follow(sessionToken, element) { token = sessionToken; into = element; refresh(); },
    stop() { token = ""; if (into) { into.innerHTML = ""; into.dataset.shown = ""; } },
    onEvent(event) { if (String(event.type || "").startsWith("notice-")) refresh(); },
  };
})();
