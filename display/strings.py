"""Every text the lobby board shows (Simplified Chinese), in one place."""

ZH_CN = {
    "title": "叫号大屏",
    "please": "请",
    "please_again": "再次请",
    "no_shows": "过号：{numbers}　请到服务台",
    "to_window": "到 {window} 号窗口办理",
    "window_n": "{window} 号窗口",
    "recent": "最近叫号",
    "paused": "暂停服务",
    "closed": "未开放",
    "waiting": "当前等候：{counts}",
    "nobody_waiting": "无人等候",
    "welcome": "欢迎光临",
    "disconnected": "与叫号系统的连接中断，正在自动重连……",
    "night": "24小时自助服务区",
    "opens": "窗口业务 {day} {time} 起办理",
}
STRINGS = ZH_CN


def t(key: str, **values: object) -> str:
    text = STRINGS.get(key, key)
    return text.format(**values) if values else text
