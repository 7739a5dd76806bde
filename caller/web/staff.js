// What the staff pages (counter console, 咨询台, accounts) share: the Chinese half of a refusal, HTML escaping,
// signing out after idle minutes, and a 找号 answer as one line. Loaded after strings.js.

function refusal(answer) {  // what a staff screen says of a refused call
  return zh(answer.body?.message) || t("error", {message: answer.status});
}

function escapeHtml(text) {
  return String(text).replace(/[&<>"]/g, c => ({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;"}[c]));
}

// a PC left alone signs out: `signedIn()` says whether there is a session, `signOut(reason)` ends it
function signOutWhenIdle(minutes, signedIn, signOut) {
  let lastInput = Date.now();
  for (const kind of ["mousemove", "mousedown", "keydown", "touchstart"]) {
    document.addEventListener(kind, () => { lastInput = Date.now(); }, {passive: true});
  }
  setInterval(() => { if (signedIn() && Date.now() - lastInput > minutes * 60000) signOut(t("idle_signed_out")); }, 5000);
}

function foundLine(found) {  // 找号: the ticket, its state and where, and its history with times and windows
  const x = found.ticket;
  const where = x.window ? " · " + t("window", {n: x.window}) : "";
  const history = found.history.map(h => `${hallTime(h.at)} ${h.what}${h.window ? " " + t("window", {n: h.window}) : ""}`);
  return `${x.number} ${x.category_name} · ${t("status_" + x.status)}${where}　${history.join("，")}`;
}

// 登录 from the page's form (#staff-no, #pin and the `extra` fields): the session, or null with the reason said in
// #signin-error. The PIN field is emptied at once.
async function signInFromForm(extra, incomplete) {
  const body = {staff_no: $("staff-no").value.trim(), pin: $("pin").value, ...extra};
  $("pin").value = "";
  if (!body.staff_no || !body.pin || Object.values(extra).some(v => !v)) {
    $("signin-error").textContent = incomplete;
    return null;
  }
  const answer = await api("POST", "/api/v1/staff/sign-in", null, body);
  $("signin-error").textContent = answer.ok ? "" : refusal(answer);
  if (!answer.ok) return null;
  $("signin").hidden = true; $("sign-out").hidden = false;
  return answer.body;
}

// 退出: the token stops at the caller; the page hides `shown` and shows its sign-in form again, with `reason`
async function endSession(leaving, shown, reason) {
  await api("POST", "/api/v1/staff/sign-out", leaving);
  $(shown).hidden = true; $("sign-out").hidden = true; $("signin").hidden = false; $("who").textContent = "";
  $("signin-error").textContent = reason || "";
}

// The header and the sign-in form every staff page opens with (工号, PIN and the `extra` fields), labelled; the
// page's own section follows them. Call it before wiring the form.
function drawStaffFrame(title, extra = "") {
  document.querySelector("header").innerHTML = `<span id="title">${title}</span><span id="who"></span> ` +
    `<button id="sign-out" class="grey" hidden>${t("sign_out")}</button>`;
  document.getElementById("signin").innerHTML = `<form id="signin-form" autocomplete="off">` +
    `<label>${t("staff_no")} <input id="staff-no" size="10" style="font-size:20px"></label> ` +
    `<label>${t("pin")} <input id="pin" type="password" inputmode="numeric" size="10" style="font-size:20px"></label> ` +
    `${extra}<button id="signin-button" type="submit">${t("sign_in")}</button></form>` +
    `<div class="error" id="signin-error"></div>`;
}
