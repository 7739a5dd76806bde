// 办件 at the counter console (after strings.js and staff.js): at a front window, 受理 turns the citizen being
// served into a case and 交接 hands it to a department; at the 统一出件 window, the cases of the pick-up ticket
// being served are handed out (the receiver's ID) or mailed. `Cases.show(token, window, view)` redraws the panel.
const Cases = (() => {
  let token = "", windowNo = null, shownFor = "", last = null;
  const $c = id => document.getElementById(id);

  function frontForm() {
    return `<b>${t("case_title")}</b> <input id="case-no" size="18" placeholder="${t("case_no_hint")}">` +
      ` <select id="case-kind">${["immediate", "promised", "joint"].map(k =>
        `<option value="${k}">${t("case_kind_" + k)}</option>`).join("")}</select>` +
      ` <label>${t("case_limit")} <input id="case-limit" type="number" min="1" max="365" style="width:4em"></label>` +
      ` <label>${t("case_phone")} <input id="case-phone" size="12" inputmode="numeric"></label>` +
      ` <label><input type="checkbox" id="case-consent">${t("case_consent")}</label>` +
      ` <button id="case-receive">${t("case_receive")}</button>` +
      `<div id="case-made"></div><div class="error" id="case-error"></div>`;
  }

  function handoverRow(c) {
    return `<div data-case="${escapeHtml(c.case_no)}">${t("case_made", {no: escapeHtml(c.case_no),
      kind: c.kind_name, due: c.due_day || "-"})}` + (c.state === "received" ?
      ` <input id="case-department" size="14" placeholder="${t("case_department")}">` +
      ` <input id="case-note" size="18" placeholder="${t("case_note")}">` +
      ` <button class="grey" id="case-handover">${t("case_handover")}</button>`
      : ` · ${c.state_name}${c.department ? `（${escapeHtml(c.department)}）` : ""}`) + `</div>`;
  }

  function pickupRow(c) {
    const no = escapeHtml(c.case_no);
    return `<tr data-pickup="${no}"><td>${no}</td><td>${escapeHtml(c.matter)}</td><td>${c.state_name}</td>` +
      `<td><input data-receiver-for="${no}" size="20" placeholder="${t("case_receiver")}">` +
      `<button class="green" data-hand-out="${no}">${t("case_hand_out")}</button></td>` +
      `<td><input data-address-for="${no}" size="22" placeholder="${t("case_address")}">` +
      `<input data-tracking-for="${no}" size="14" placeholder="${t("case_tracking")}">` +
      `<button class="grey" data-mail="${no}">${t("case_mail")}</button></td></tr>`;
  }

  async function show(newToken, window, view) {
    token = newToken; windowNo = window;
    const panel = $c("cases");
    if (!panel) return;
    const ticket = view && view.ticket ? view.ticket.id : "";
    if (view && view.kind === "issuing") {
      const key = "pickup:" + ticket;
      if (shownFor === key) return;
      shownFor = key;
      const answer = ticket ? await api("GET", `/api/v1/windows/${window}/pickup`, token) : {ok: true, body: []};
      panel.hidden = false;
      panel.innerHTML = `<b>${t("case_pickups")}</b>` + (answer.ok && answer.body.length
        ? `<table>${answer.body.map(pickupRow).join("")}</table>` : `<div class="hint">${t("case_no_pickups")}</div>`) +
        `<div class="error" id="case-error"></div>`;
      return;
    }
    panel.hidden = !ticket;
    if (shownFor === "front:" + ticket) return;
    shownFor = "front:" + ticket; last = null;
    panel.innerHTML = frontForm();
  }

  async function post(path, body, after) {
    const answer = await api("POST", path, token, body);
    $c("case-error").classList.remove("ok");
    $c("case-error").textContent = answer.ok ? "" : refusal(answer);
    if (answer.ok) after(answer.body);
    return answer.ok;
  }

  function receive() {
    const limit = $c("case-limit").value, phone = $c("case-phone").value.trim();
    const body = {case_no: $c("case-no").value.trim(), kind: $c("case-kind").value};
    if (body.kind !== "immediate" && limit) body.limit_days = Number(limit);
    if (phone) { body.phone = phone; body.consent = $c("case-consent").checked; }
    post(`/api/v1/windows/${windowNo}/cases`, body, c => {
      last = c; $c("case-made").innerHTML = handoverRow(c); $c("case-no").value = ""; $c("case-phone").value = "";
    });
  }

  function handOver() {
    const body = {department: $c("case-department").value.trim()};
    if ($c("case-note").value.trim()) body.note = $c("case-note").value.trim();
    post(`/api/v1/cases/${encodeURIComponent(last.case_no)}/handover`, body, c => {
      last = c; $c("case-made").innerHTML = handoverRow(c);
    });
  }

  function closeCase(no, path, body) {
    post(`/api/v1/cases/${encodeURIComponent(no)}/${path}`, body, c => {
      const row = document.querySelector(`[data-pickup="${CSS.escape(no)}"]`);
      if (row) row.innerHTML = `<td>${escapeHtml(c.case_no)}</td><td>${escapeHtml(c.matter)}</td>` +
        `<td colspan="3">${c.state_name}${c.receiver_masked ? " · " + c.receiver_masked : ""}` +
        `${c.mailed_to ? " · " + escapeHtml(c.mailed_to) : ""}</td>`;
    });
  }

  document.addEventListener("click", e => {
    const b = e.target.closest("button");
    if (!b || !token) return;
    if (b.id === "case-receive") receive();
    if (b.id === "case-handover" && last) handOver();
    if (b.dataset.handOut) {
      const input = document.querySelector(`[data-receiver-for="${CSS.escape(b.dataset.handOut)}"]`);
      closeCase(b.dataset.handOut, "hand-out", {receiver_id_number: input.value.trim()});
      input.value = "";
    }
    if (b.dataset.mail) {
      const no = CSS.escape(b.dataset.mail);
      closeCase(b.dataset.mail, "mail", {address: document.querySelector(`[data-address-for="${no}"]`).value.trim(),
                                         tracking_no: document.querySelector(`[data-tracking-for="${no}"]`).value.trim()});
    }
  });
  return {show, forget: () => { token = ""; shownFor = ""; last = null; }};
})();
