// Every text the web pages show (Simplified Chinese), in one place; a second language is a second object.
const ZH_CN = {
  counter_title: "窗口工作台", sign_in: "登录", sign_out: "退出",
  staff_no: "工号", pin: "密码", window_no: "窗口号", sign_in_incomplete: "请填写工号、密码和窗口号",
  handover: "转办说明（{note}）", transfer_to_window: "转给 {name}", transfer_note: "转办说明（选填）",
  next_up: "按规则下一位", today_counts: "今日本窗口办结 {window} 件，平均 {wmean} 分钟；我办结 {mine} 件，平均 {mmean} 分钟",
  service_timer: "本次办理已用时 {time}",
  find_number: "找号", desk_arrive: "到场确认（远程号）", find: "查询", return_no_show: "过号顺延", special_call: "特呼", special_reason: "特呼原因（必填）",
  status_waiting: "等候中", status_called: "已叫号", status_serving: "办理中", status_done: "已办结",
  "status_no-show": "过号", status_cancelled: "已取消", "status_on-hold": "挂起",
  hold: "挂起 (H)", on_hold: "挂起中", take_back: "恢复办理",
  idle_signed_out: "已因长时间无操作自动退出，请重新登录", session_ended: "登录已失效，请重新登录",
  window: "{n} 号窗口", state_open: "受理中", state_paused: "暂停服务", state_closed: "未登录",
  current: "当前号", none: "无", waiting_of_mine: "本窗口可办事项等候",
  call_next: "叫号 (N)", recall: "重呼 (R)", no_show: "过号 (X)", start: "开始 (S)", finish: "办结 (F)", finish_and_call_next: "办结并叫号 (J)",
  transfer: "转办", pause: "暂停 (P)", resume: "恢复 (P)", open: "登录窗口", close: "退出窗口",
  nothing_waiting: "当前没有可叫的号", unprinted: "待补打号票", reprinted: "标记已补打", print_slip: "补打", printed: "已打印",
  tidal_open: "潮汐提示：等候时间已长，建议开放潮汐窗口", tidal_close: "潮汐提示：高峰已过，建议办完当前后关闭潮汐窗口",
  desk_title: "咨询台", desk_sign_in_incomplete: "请填写工号和密码", desk_issue: "代取号（无身份证、无手机、绿色通道、预约补签）",
  desk_issue_button: "取号", desk_waiting: "等候 {n} 人", desk_kind_normal: "普通", desk_kind_appointment: "预约补签",
  desk_kind_green: "绿色通道·{reason}", desk_green: "绿色通道", desk_unreachable: "无法连接叫号系统，请稍后重试",
  desk_printed: "号票已在咨询台打印", desk_qr_hint: "请群众用手机扫码查看排队进度，凭号码等候叫号", desk_no_qr: "请群众记下号码，留意大屏叫号",
  acc_title: "账号管理", acc_name: "姓名", acc_pin: "初始密码", acc_windows: "可登录窗口", acc_roles: "角色",
  acc_state: "状态", acc_active: "正常", acc_locked: "已锁定", acc_disabled: "已停用", acc_add: "新增工作人员",
  acc_add_button: "新增", acc_new_pin: "新密码", acc_reset: "重置密码", acc_disable: "停用",
  acc_incomplete: "请填写工号、姓名、初始密码并至少选择一个角色", acc_added: "已新增 {who}",
  acc_pin_reset: "{no} 的密码已重置", acc_confirm_disable: "确定停用 {no}？停用后立即退出登录，且不能再登录。",
  role_window: "窗口人员", role_desk: "咨询台/导服", role_help: "帮办", role_manager: "管理人员", role_admin: "系统管理员",
  role_department: "后台部门", acc_department: "所属部门（后台部门人员）",
  cty_title: "县级总览", cty_token: "县级管理令牌", cty_sign_in: "进入", cty_refused: "令牌无效，请向系统管理员领取县级管理令牌",
  cty_halls: "各大厅实时情况", cty_updated: "更新于 {time}", cty_report: "统计报表", cty_show_report: "查询",
  cty_h_hall: "大厅", cty_h_waiting: "等候人数", cty_h_oldest: "最长等候(分钟)", cty_h_windows: "开放窗口",
  cty_h_today: "今日取号 / 办结", cty_h_alerts: "告警", cty_total: "全县合计", cty_unreadable: "暂时无法读取",
  cty_r_issued: "取号", cty_r_served: "办结", cty_r_wait_mean: "平均等候(分钟)", cty_r_wait_p90: "90%等候(分钟)",
  cty_r_over: "超时等候占比",
  mon_title: "大厅运行监控", mon_today: "今日累计", mon_categories: "各事项等候", mon_windows: "各窗口状态",
  mon_issued: "取号", mon_served: "办结", mon_no_show: "过号", mon_abandoned: "放弃", mon_wait_mean: "平均等候(分)",
  mon_wait_p90: "九成群众等候不超过(分)", mon_handling_mean: "平均办理(分)", mon_ratings: "评价均分（条）",
  mon_dissatisfied: "不满意", mon_no_alerts: "当前无告警", mon_category: "事项", mon_waiting: "等候人数",
  mon_oldest: "最长等候(分)", mon_estimate: "预计等候(分)", mon_no_window: "暂无窗口", mon_min: "分钟",
  notices_title: "待处理提示", notices_none: "暂无待处理的提示", notice_take: "接单", notice_done: "办结",
  notice_taken_by: "{who} 已接单", notice_untaken: "无人接单", notice_escalated: "已上报管理员",
  notice_clears_itself: "设备恢复后自动消除", busy: "处理中……", error: "操作失败：{message}",
  name: "姓名", id_number: "证件号",
  rate_title: "请对本次服务进行评价", rate_waiting: "办结后请在此评价", rate_thanks: "感谢您的评价！",
  rate_reason: "请选择不满意的原因（可多选）", rate_reason_text: "补充说明（选填；选“其他”时请填写）",
  rate_submit: "提交评价", rate_done_already: "这次服务已经评价过，谢谢", rate_staff: "服务人员：{staff}",
  rate_failed: "评价未成功：{message}",
  pair_title: "评价器配对", pair_prompt: "请在本窗口工作台点击“评价器配对”，输入显示的 6 位配对码",
  pair_button: "配对", pair_failed: "配对未成功：{message}", pairing: "评价器配对",
  pairing_code: "评价器配对码：{code}（10 分钟内有效，仅可使用一次）",
  levels: {5: "非常满意", 4: "满意", 3: "基本满意", 2: "不满意", 1: "非常不满意"},
  ticket_title: "我的排队", ticket_waiting: "正在等候，前面还有 {ahead} 人，预计约 {minutes} 分钟",
  ticket_waiting_no_window: "正在等候，前面还有 {ahead} 人；暂无窗口办理，窗口开放后依次叫号",
  ticket_issued: "取号时间 {time}", ticket_called: "请到 {window} 号窗口办理", ticket_serving: "正在 {window} 号窗口办理",
  ticket_done: "已办结，欢迎评价", ticket_done_plain: "已办结", ticket_gone: "此号已{status}", ticket_unknown: "查无此号",
  statuses: {"no-show": "过号", "cancelled": "取消"},
  ticket_on_hold: "已暂挂：补齐材料后请回到 {window} 号窗口继续办理",
  remind_near_remote: "快轮到您了：前面还有 {ahead} 人，请尽快到大厅扫码确认到场", remind_near: "快轮到您了：前面还有 {ahead} 人，请回到大厅留意叫号", remind_called: "请到 {window} 号窗口办理",
  bk_title: "预约办事", bk_choose_matter: "请选择要办理的事项", bk_bring: "请带齐：{materials}", bk_free: "余 {n} 个",
  bk_full: "已约满", bk_no_slots: "当天不办公或已无时段，请选择其他日期", bk_id: "身份证号", bk_phone: "手机号",
  bk_code: "短信验证码", bk_send_code: "获取验证码", bk_again_in: "{s} 秒后可重发", bk_code_sent: "验证码已发送至 {phone}",
  bk_demo_code: "演示模式：验证码 {code}", bk_confirm: "确认预约", bk_done: "预约成功",
  bk_done_hint: "请在预约时段到大厅，在自助机扫描此二维码签到取号。", bk_cancel: "取消预约",
  bk_confirm_cancel: "确定取消这个预约？", bk_cancelled: "预约已取消", bk_unreachable: "暂时无法连接，请稍后再试",
  bk_remote: "今天远程取号（{until} 前）", bk_remote_chosen: "{matter} · 今天远程取号",
  bk_remote_hint: "取号后即开始排队；到大厅后请在自助机扫描手机上的到场码确认，确认后才会叫号。", bk_remote_confirm: "确认取号",
  bk_change: "改约", bk_changed: "已改约",
  tk_arrive: "请到大厅后，在自助机“预约签到 / 到场确认”扫描此码，或请咨询台确认到场。确认后才会叫号。",
  tk_arrive_by: "已轮到您！请在 {time} 前到场确认，否则需按到场时间重新排队。",
  tk_lapsed: "您未在宽限时间内到场确认。到大厅后扫码确认，将按到场时间重新排队。",
  phone_case: "办件 {no}（{matter}）", phone_case_due: "承诺 {due} 前办结",
  phone_case_ready: "请凭短信中的取件码、下面的二维码或本人身份证，到统一出件窗口领取；也可在自助机扫此码取号。",
  case_title: "受理办件", case_no_hint: "办件编号（可扫码）", case_kind_immediate: "即办件", case_kind_promised: "承诺件",
  case_kind_joint: "联办件", case_limit: "承诺时限（工作日）", case_phone: "手机号（选填）", case_consent: "群众同意接收办件短信",
  case_receive: "受理", case_made: "办件 {no}（{kind}）已受理，应于 {due} 前办结", case_department: "交接部门",
  case_note: "交接说明（选填）", case_handover: "交接", case_pickups: "待领取办件", case_no_pickups: "当前号没有待领取的办件",
  case_receiver: "领取人身份证号", case_hand_out: "发放", case_address: "邮寄地址", case_tracking: "运单号", case_mail: "邮寄",
  dep_title: "部门办件", dep_cases: "交本部门办理的办件", dep_hint: "按时限先后排列；办结后点“待领取”，群众即收到领取通知",
  dep_overdue: "已超时", dep_near: "临近时限", dep_note: "说明（补正材料时必填）", dep_none: "暂无办件",
  dep_note_needed: "需补正材料时，请写明需要补交的材料", dep_ready: "办件 {no} 已通知领取，取件码 {code}（已随短信发给群众）",
  dep_done: "办件 {no} 已更新为“{state}”", dep_h_no: "办件编号", dep_h_matter: "事项", dep_h_kind: "类型",
  dep_h_received: "受理日期", dep_h_due: "承诺办结", dep_h_state: "状态",
  fu_title: "投诉与整改", fu_new: "记录投诉（找茬、一次办不好）", fu_what: "反映的问题", fu_who: "群众姓名",
  fu_window: "窗口", fu_case: "办件编号", fu_record: "记录", fu_list: "跟进事项", fu_filter_all: "全部",
  fu_filter_open: "待处理", fu_filter_overdue: "逾期未答复", fu_filter_replied: "已答复", fu_filter_closed: "已回访",
  fu_owner: "负责人", fu_assign: "指派", fu_reply_text: "答复或整改情况", fu_reply: "答复", fu_cb_satisfied: "满意",
  fu_cb_basic: "基本满意", fu_cb_dissatisfied: "不满意", fu_cb_note: "回访记录", fu_close: "回访办结",
  fu_overdue: "已逾期", fu_no_owner: "未指派", fu_none: "暂无跟进事项", fu_h_kind: "类型", fu_h_what: "内容",
  fu_h_about: "涉及", fu_h_due: "答复期限", fu_h_owner: "负责人", fu_h_state: "状态",
  off_title: "后台管理", off_version: "当前第 {v} 版", off_check: "检查", off_save: "保存并生效",
  off_saved: "已保存为第 {v} 版，所有叫号服务已生效", off_ok: "检查通过，可以保存", off_problems: "有 {n} 处需要修改",
  off_changes: "本次修改", off_no_changes: "没有修改", off_add: "新增", off_remove: "删除", off_stale: "配置已被他人修改，已重新载入",
  off_move: "{category}（{n} 人等候）转到", off_move_pick: "请选择事项", off_history: "修改记录", off_restore: "恢复此版",
  off_restored: "已恢复，当前为第 {v} 版", off_file: "配置文件", off_export: "导出配置文件", off_import: "导入并生效",
  off_import_hint: "粘贴或选择配置文件（hall.toml）", off_accounts: "工作人员账号请到“账号管理”维护",
  off_list_hint: "多项用逗号分隔", off_confirm_restore: "确定恢复为第 {v} 版？",
  off_actions: {file: "读取配置文件", edit: "页面修改", import: "导入", restore: "恢复"},
  off_h_version: "版本", off_h_at: "时间", off_h_author: "修改人", off_h_action: "方式", off_h_note: "内容",
  off_sections: {categories: "事项与办事指南", windows: "窗口", hours: "办公时间与节假日",
                 rules: "规则（叫号、潮汐、预约、咨询台、统计）", hall: "大厅"},
  off_fields: {
    hall: "大厅", id: "编号", name: "名称", timezone: "时区", public_url: "手机访问地址",
    hours: "办公时间", days: "每周办公日（1=周一…7=周日）", open: "开厅", close: "闭厅", issue_from: "开始取号",
    issue_until: "停止取号", lunch_start: "午休开始", lunch_end: "午休结束", staggered_lunch: "错峰午休",
    lunch_break_minutes: "每窗口午休(分钟)", closed_dates: "节假日（休息）", open_dates: "调休上班日",
    self_service: "24小时自助区", enabled: "启用", notice: "提示语",
    queue: "叫号规则", recalls_before_no_show: "重呼几次后过号", no_show_return_minutes: "过号后可顺延(分钟)",
    auto_call: "自动叫号", oldest_first_after_minutes: "等候超过(分钟)后先到先叫",
    exclusive_bonus_minutes: "专办事项优先(分钟)", one_live_ticket_per_id: "同一证件同一事项只取一个号",
    tidal: "潮汐窗口", open_above_minutes: "等候超过(分钟)建议开启", close_below_minutes: "等候低于(分钟)建议关闭",
    close_after_minutes: "持续(分钟)后关闭", automatic: "自动开关",
    appointments: "预约", slot_minutes: "每时段(分钟)", per_slot: "每时段名额", early_minutes: "可提前签到(分钟)",
    late_minutes: "可迟到(分钟)", days_ahead: "可预约天数", per_citizen: "每人最多预约", per_source_per_hour: "每设备每小时预约上限",
    missed_limit: "预约未到几次后暂停预约（0 为不限）", missed_days: "统计未到的天数", blocked_days: "暂停预约天数",
    desk: "咨询台", green_reasons: "绿色通道原因", help_escalate_minutes: "求助无人接单(分钟)后上报",
    device_offline_seconds: "设备失联(秒)告警", printer: "打印机地址",
    reports: "统计", wait_threshold_minutes: "等候超时标准(分钟)",
    phone: "手机页面", remind_ahead: "前面还剩几人时提醒",
    cases: "办件", warn_working_days: "临近超时提醒（提前工作日）", pickup_category: "统一出件事项",
    followup_working_days: "投诉、差评整改答复时限（工作日）",
    priorities: "优先级", normal: "普通", appointment: "预约", green: "绿色通道", transferred: "转办",
    head_start_minutes: "提前(分钟)",
    categories: "事项", prefix: "字头", service_minutes: "平均办理(分钟)", needs_id_card: "需刷身份证",
    only_listed: "仅指定窗口办理", guide: "办事指南", conditions: "办理条件", materials: "所需材料",
    time_limit: "办理时限", fees: "收费", hotline: "咨询电话",
    windows: "窗口", number: "窗口号", kind: "类型", serves: "办理事项（事项编号，* 为全部）", seasons: "季节",
    from: "起（月-日）", to: "止（月-日）",
  },
  off_kinds: {comprehensive: "综合受理", "high-frequency": "高频", specialised: "专业", tidal: "潮汐", seasonal: "候鸟",
              help: "帮办代办", consulting: "咨询·找茬", issuing: "统一出件"},
};
const STRINGS = ZH_CN;

function t(key, values) {
  let text = STRINGS[key] ?? key;
  for (const [name, value] of Object.entries(values || {})) text = text.replaceAll(`{${name}}`, value);
  return text;
}

// the Chinese half of a caller's message ("中文 / English"): pages show it, the English half is for logs and the API
const zh = message => String(message || "").split(" / ")[0];

// HH:MM of a time the caller gave: its times carry the hall's offset, so this is the hall's clock, never the
// phone's own zone.
function hallTime(iso) { return iso ? iso.slice(11, 16) : ""; }

// Where this hall's API is: the root for a caller serving one hall; /h/<hall> for a hall of a county served by one
// process (caller/county/). Every call below goes through it.
const BASE = (location.pathname.match(/^\/h\/[A-Za-z0-9_-]+/) || [""])[0];

// A JSON call to the caller; resolves to {ok, status, body}.
async function api(method, path, token, body) {
  const headers = {"Content-Type": "application/json"};
  if (token) headers.Authorization = `Bearer ${token}`;
  const response = await fetch(BASE + path, {method, headers, body: body === undefined ? undefined : JSON.stringify(body)});
  let data = null;
  if (response.status !== 204) { try { data = await response.json(); } catch (e) { data = null; } }
  return {ok: response.ok, status: response.status, body: data};
}

// Server-sent events with a bearer token (EventSource cannot send one): fetch and parse the stream; reconnect
// with Last-Event-ID after a drop. It stops once the token is refused (signed out, expired, revoked).
function followEvents(token, onEvent) {
  let lastId = null;
  async function run() {
    while (true) {
      try {
        const headers = {Authorization: `Bearer ${token}`};
        if (lastId !== null) headers["Last-Event-ID"] = String(lastId);
        const response = await fetch(BASE + "/api/v1/events", {headers});
        if (response.status === 401 || response.status === 403) return;
        const reader = response.body.getReader();
        const decoder = new TextDecoder();
        let buffer = "";
        while (true) {
          const {value, done} = await reader.read();
          if (done) break;
          buffer += decoder.decode(value, {stream: true}).replaceAll("\r", "");  // sse-starlette ends lines with CRLF
          let cut;
          while ((cut = buffer.indexOf("\n\n")) >= 0) {
            const block = buffer.slice(0, cut); buffer = buffer.slice(cut + 2);
            const data = block.split("\n").filter(l => l.startsWith("data:")).map(l => l.slice(5)).join("\n");
            const id = block.split("\n").find(l => l.startsWith("id:"));
            if (id) lastId = parseInt(id.slice(3), 10);
            if (data) { try { onEvent(JSON.parse(data)); } catch (e) { /* a ping or a partial line */ } }
          }
        }
      } catch (e) { /* the stream dropped: reconnect below */ }
      await new Promise(r => setTimeout(r, 2000));
    }
  }
  run();
}
