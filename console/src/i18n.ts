// Korean and English. The language comes from the viewer's choice, else the browser, else the
// workspace's `locale`; numbers, money and dates use Intl for the workspace currency.
export type Lang = "ko" | "en";

const en = {
  "app.title": "Rivalwatch console", "skip": "Skip to content",
  "roles.ingest": "ingest", "roles.marketer": "marketer", "roles.manager": "manager", "roles.admin": "admin",
  "unit.minutes": "{n} min", "unit.sessions": "{n} sessions", "c360.id": "ID", "campaigns.capCount": "At most (messages)",
  "settings.prefix": "Prefix", "settings.apps": "Apps", "settings.enabled": "enabled", "settings.disabled": "disabled",
  "op.in": "is one of", "op.notIn": "is none of", "op.between": "between", "op.decreasedByAtLeast": "fell vs usual by ≥", "op.increasedByAtLeast": "rose vs usual by ≥", "op.contains": "contains", "op.doesNotContain": "does not contain", "op.exists": "is known", "op.notExists": "is unknown",
  "editor.valueLow": "Lowest value", "editor.valueHigh": "Highest value", "editor.true": "true", "editor.false": "false",
  "nav.overview": "Overview", "nav.alerts": "Alerts", "nav.customers": "Customers", "nav.rules": "Rules", "nav.campaigns": "Campaigns", "nav.tasks": "Tasks", "nav.settings": "Settings",
  "nav.main": "Main", "lang.label": "Language", "signout": "Sign out", "role": "Role",
  "signin.title": "Sign in to Rivalwatch", "signin.key": "API key", "signin.submit": "Sign in",
  "signin.help": "Paste an API key once. It is exchanged for a session; the key is not kept in this browser. No key yet? Run npm run cli -- workspace create --name \"My brand\".",
  "signin.failed": "That key is unknown or revoked.",
  "loading": "Loading…", "error": "Something went wrong", "retry": "Try again", "save": "Save", "cancel": "Cancel", "close": "Close", "create": "Create", "delete": "Delete", "none": "—", "search": "Search", "apply": "Apply", "more": "Load more", "yes": "yes", "no": "no", "all": "All", "saved": "Saved",
  "overview.title": "Overview", "overview.customers": "Customers", "overview.openAlerts": "Unresolved alerts", "overview.liveRules": "Live rules",
  "overview.atRisk": "Customers at risk, by value at risk", "overview.perWeek": "Alerts opened per week", "overview.tierMix": "Tier mix", "overview.rulePerf": "Live rules: measured outcomes", "overview.model": "Model",
  "overview.noSignals": "No signals yet. Push one with an ingest key:", "overview.noAtRisk": "No open alerts. When a rule or the model finds a customer at risk, they appear here.",
  "overview.noModel": "No model fitted yet. An admin can fit it now (POST /v1/model/fit) or wait for the weekly fit.", "overview.modelFitted": "Fitted", "overview.noTiers": "No tiers yet: they appear after the first features refresh.",
  "col.customer": "Customer", "col.tier": "Tier", "col.score": "Score", "col.valueAtRisk": "Value at risk", "col.reason": "Top reason", "col.manager": "Manager", "col.status": "Status", "col.severity": "Severity", "col.opened": "Opened", "col.label": "Label", "col.actions": "Actions", "col.rule": "Rule", "col.mode": "Mode", "col.points": "Points", "col.tiers": "Tiers", "col.precision": "Precision", "col.saveRate": "Save rate", "col.alerts": "Alerts", "col.version": "Version", "col.name": "Name", "col.channel": "Channel", "col.due": "Due", "col.play": "Suggested play", "col.type": "Type", "col.when": "When", "col.detail": "Detail", "col.provider": "Provider", "col.confidence": "Confidence", "col.consent": "Consent", "col.freshness": "Freshness", "col.own": "Value", "col.baseline": "Usual", "col.change": "Change", "col.churn": "Churn probability", "col.select": "Select", "col.campaign": "Campaign", "col.arm": "Arm", "col.message": "Message",
  "arm.treated": "Treated", "arm.holdout": "Holdout", "enrollment.scheduled": "Scheduled", "enrollment.dispatched": "Sent", "enrollment.held": "Held out", "enrollment.suppressed": "Not sent",
  "suppressed.opted_out": "opted out of the channel", "suppressed.channel_cap": "at the channel's cap", "c360.noEnrollments": "No campaign enrollments. Alerts whose rules name an active campaign enrol the customer.",
  "alerts.title": "Alert inbox", "alerts.filters": "Filters", "alerts.status": "Status", "alerts.severity": "Severity", "alerts.tier": "Tier", "alerts.manager": "Manager id", "alerts.rule": "Rule", "alerts.from": "Opened from", "alerts.to": "Opened before", "alerts.sort": "Sort", "alerts.sort.opened": "Newest", "alerts.sort.valueAtRisk": "Value at risk",
  "alerts.empty": "No alerts match. Widen the filters, or wait for the next scoring pass.", "alerts.selected": "{n} selected", "alerts.keys": "Keyboard: j/k move, Enter opens, x selects, a acknowledge, s snooze 7 days, r resolve, 1–4 label, ? help",
  "alerts.detail": "Alert", "alerts.reasons": "Why", "alerts.events": "History", "alerts.snoozeUntil": "Snooze until",
  "act.acknowledge": "Acknowledge", "act.snooze": "Snooze", "act.resolve": "Resolve", "act.reopen": "Reopen", "act.label": "Label", "act.start": "Start", "act.complete": "Complete", "act.dismiss": "Dismiss",
  "label.real_risk": "Real risk", "label.false_alarm": "False alarm", "label.saved": "Saved", "label.lost": "Lost",
  "status.open": "Open", "status.acknowledged": "Acknowledged", "status.snoozed": "Snoozed", "status.resolved": "Resolved", "status.in_progress": "In progress", "status.done": "Done", "status.dismissed": "Dismissed",
  "sev.low": "Low", "sev.medium": "Medium", "sev.high": "High", "sev.critical": "Critical",
  "help.title": "Keyboard shortcuts", "help.jk": "Move down / up", "help.enter": "Open the alert", "help.x": "Select the row", "help.a": "Acknowledge", "help.s": "Snooze 7 days", "help.r": "Resolve", "help.1": "Label: real risk, false alarm, saved, lost", "help.q": "Show this help",
  "customers.title": "Customers", "customers.search": "Customer id, identity, name or email", "customers.empty": "No customers yet. Push signals or PUT /v1/customers/{id}; they appear here.", "customers.noMatch": "No customer matches.",
  "c360.model.no_purchase": "No model values yet: the customer has no purchase the model can use.", "c360.model.fit_failed": "The model's last fit failed; an admin can fit it again (POST /v1/model/fit).", "c360.model.no_usable_fit": "The model has no usable fit for this workspace yet: it needs more customers with repeat purchases.",
  "event.opened": "Opened", "event.updated": "Updated", "event.acknowledge": "Acknowledged", "event.snooze": "Snoozed until", "event.resolve": "Resolved", "event.reopen": "Reopened", "event.labeled": "Labelled", "event.system": "by Rivalwatch", "event.score": "score {n}",
  "chart.time": "Date", "signalType.purchase": "purchase", "signalType.refund": "refund", "signalType.session": "visit", "signalType.support_ticket": "support ticket", "signalType.campaign_response": "campaign response", "signalType.competitor_app_usage": "competitor app use", "signalType.competitor_purchase": "competitor purchase",
  "consent.consent": "consent", "consent.contract": "contract", "consent.legitimate_interest": "legitimate interest", "consent.legal_obligation": "legal obligation", "consent.public": "public",
  "settings.alertOnSeverity": "Alert whatever the score at severity", "settings.alertHoldout": "Alert holdout per rule (%)", "settings.oneAlertPerEpisode": "One alert per risk episode", "alerts.episodeHint": "One alert per risk episode: this customer gets no new alert until they buy again, unless a more severe rule matches.", "settings.oneAlertPerEpisodeHelp": "A risk episode runs from an alert until the customer buys again. Once its alert is resolved, the customer gets no other until they have bought again, unless a rule of higher severity matches. Off, a new alert may open as soon as the rules' cooldown ends.", "settings.alertHoldoutHelp": "The share of each rule's alerts held out from actions (no campaign, no task, still tracked), so the rule's performance can compare acting with not acting.",
  "c360.profile": "Profile", "c360.identities": "Identities", "c360.tier": "Tier", "c360.tierParts": "Tier parts", "c360.tierHistory": "Tier history", "c360.scores": "Risk score history", "c360.scoreHint": "Select a point to see its reasons.", "c360.features": "Features against the customer's usual", "c360.own": "Own behaviour", "c360.competitor": "Competitor evidence", "c360.signals": "Signal timeline", "c360.model": "Model values", "c360.alerts": "Alerts", "c360.tasks": "Tasks", "c360.enrollments": "Campaign enrollments", "c360.noScores": "No scores yet: scores appear after the first features refresh.", "c360.noSignals": "No signals for this customer yet.", "c360.stale": "Features are being refreshed.", "c360.fresh": "fresh", "c360.expired": "expired", "c360.expectedValue": "Expected value (CLV)", "c360.pAlive": "Probability active", "c360.since": "since", "c360.email": "Email", "c360.managerId": "Manager",
  "part.monetary": "Monetary", "part.frequency": "Frequency", "part.recency": "Recency", "part.engagement": "Engagement",
  "rules.title": "Rules", "rules.new": "New rule", "rules.empty": "No rules. Create one, or restore the default pack.", "rules.readOnly": "Your key's role can read rules but not change them.",
  "editor.title": "Rule studio", "editor.name": "Name", "editor.id": "Id", "editor.description": "Description", "editor.tiers": "Applies to tiers", "editor.points": "Points", "editor.severity": "Severity", "editor.cooldown": "Cooldown (days)", "editor.task": "Open an account-manager task", "editor.campaign": "Enrol in campaign (id)", "editor.conditions": "Conditions", "editor.json": "JSON", "editor.jsonInvalid": "Not valid JSON: {m}",
  "editor.all": "All of", "editor.any": "Any of", "editor.not": "Not", "editor.addCondition": "Add condition", "editor.addGroup": "Add group", "editor.negate": "Negate", "editor.remove": "Remove", "editor.fact": "Fact", "editor.operator": "Operator", "editor.value": "Value", "editor.valueTo": "and",
  "editor.saveShadow": "Save as shadow", "editor.saveVersion": "Save new version", "editor.goLive": "Go live", "editor.switchOff": "Switch off", "editor.toShadow": "Back to shadow", "editor.mode": "Mode",
  "editor.try": "Try on a customer", "editor.tryCustomer": "Customer id", "editor.tryRun": "Run", "editor.matched": "Matches", "editor.notMatched": "Does not match", "editor.actual": "actual",
  "editor.backtest": "Backtest", "editor.btFrom": "From", "editor.btTo": "To", "editor.btStep": "Step (days)", "editor.btRun": "Run backtest", "editor.flagged": "Flagged", "editor.lift": "Lift", "editor.flaggedCustomers": "Flagged customers on {d}",
  "editor.versions": "Versions", "editor.diff": "Compare", "editor.rollback": "Roll back to this version", "editor.performance": "Performance per version", "editor.errors": "Fix the fields marked below.",
  "mode.live": "Live", "mode.shadow": "Shadow", "mode.off": "Off",
  "campaigns.title": "Campaigns", "campaigns.new": "New campaign", "campaigns.empty": "No campaigns yet. Create one and name it in a rule's actions.", "campaigns.slug": "Id", "campaigns.template": "Message", "campaigns.titleField": "Title", "campaigns.holdout": "Holdout %", "campaigns.cap": "At most", "campaigns.capDays": "per days", "campaigns.advertising": "Advertising (Korean rules: (광고), opt-out, no sends 21:00–08:00)", "campaigns.from": "Active from", "campaigns.until": "Active until", "campaigns.triggerRules": "Trigger rules (ids, comma separated)", "campaigns.couponValue": "Coupon value (empty: none)", "campaigns.stats": "Results", "campaigns.uplift": "Uplift of conversion (treated − holdout), 95% interval", "campaigns.preview": "Preview for a customer", "preview.run": "Preview", "preview.savedOnly": "What the saved campaign would do for this customer now; nothing is sent or written.",
  "preview.treated": "Would be sent this message", "preview.holdout": "Held out: tracked for the uplift, sent nothing", "preview.suppressed": "Enrolled, but not sent", "preview.skipped": "Would not be enrolled",
  "why.paused": "the campaign is paused; enable it to send", "why.inactive": "outside the campaign's active window", "why.not_triggered": "the rule is not one of the campaign's triggering rules", "why.tier_not_targeted": "their tier is not one the campaign targets", "why.frequency_cap": "they are at the campaign's frequency cap", "why.opted_out": "they opted out of this channel", "why.channel_cap": "they are at the workspace's cap for this channel",
  "preview.sendAt": "sent {d}", "preview.deferred": "(moved out of quiet hours in {tz})",
  "stat.enrolled": "Enrolled", "stat.treated": "Treated", "stat.holdout": "Holdout", "stat.delivered": "Delivered", "stat.opened": "Opened", "stat.clicked": "Clicked", "stat.converted": "Converted", "stat.revenue": "Revenue",
  "tasks.title": "My tasks", "tasks.whoAmI": "Which manager are you?", "tasks.pick": "Choose", "tasks.empty": "No open tasks. Tasks appear when a rule asks for one on a valuable customer.", "tasks.noManagers": "No managers yet. An admin adds them with POST /v1/managers.", "tasks.outcome": "Outcome", "tasks.reason": "Reason", "tasks.overdue": "Overdue", "tasks.digest": "Latest digest", "tasks.noDigest": "No digest sent yet.", "tasks.preview": "Next digest (preview)", "tasks.sendNow": "Send it now", "tasks.alreadySent": "Already sent for this period at",
  "model.not_fitted": "Not fitted yet", "model.insufficient_data": "Not enough history", "model.failed": "Fit failed",
  "outcome.retained": "Retained", "outcome.lost": "Lost", "outcome.no_contact": "No contact",
  "settings.title": "Settings", "settings.workspace": "Workspace", "settings.locale": "Default language", "settings.currency": "Currency", "settings.tiers": "Tiers", "settings.weights": "Weights", "settings.cutoffs": "Cut-offs (absolute composite)", "settings.preview": "Tier distribution before saving", "settings.previewHint": "Customers per tier now and with the weights and cut-offs above, as of now ({n} customers; {moved} would change tier).", "settings.previewNow": "Now", "settings.previewProposed": "With these settings", "settings.previewChange": "Change", "settings.previewInvalid": "No preview until the settings are valid: {m}", "settings.scoring": "Scoring", "settings.threshold": "Alert threshold", "settings.modelWeight": "Model weight", "settings.actions": "Actions", "settings.taskTiers": "Task tiers", "settings.taskMin": "Task minimum value at risk", "settings.endpoints": "Webhook endpoints", "settings.deliveries": "Deliveries", "settings.replay": "Replay", "settings.sources": "Signing sources", "settings.keys": "API keys", "settings.competitors": "Competitors", "settings.adminOnly": "Only an admin key can change settings.", "settings.keyOnce": "Copy this key now; it is not shown again:", "settings.revoke": "Revoke", "settings.url": "URL", "settings.events": "Events", "settings.newKeyName": "Key name", "settings.sourceName": "Source name", "settings.secretOnce": "Signing secret (shown once):", "settings.revoked": "revoked", "settings.default": "default", "settings.cutoffsRelative": "Cut-offs (least percentile in the workspace, 0–1)", "settings.allowList": "Webhook allow-list",
};
type Key = keyof typeof en;

const ko: Record<Key, string> = {
  "app.title": "Rivalwatch 콘솔", "skip": "본문으로 건너뛰기",
  "roles.ingest": "수집", "roles.marketer": "마케터", "roles.manager": "담당자", "roles.admin": "관리자",
  "unit.minutes": "{n}분", "unit.sessions": "{n}회 방문", "c360.id": "ID", "campaigns.capCount": "최대 (메시지 수)",
  "settings.prefix": "접두어", "settings.apps": "앱", "settings.enabled": "사용 중", "settings.disabled": "사용 중지",
  "op.in": "다음 중 하나", "op.notIn": "다음 중 어느 것도 아님", "op.between": "범위", "op.decreasedByAtLeast": "평소 대비 감소율 ≥", "op.increasedByAtLeast": "평소 대비 증가율 ≥", "op.contains": "포함", "op.doesNotContain": "미포함", "op.exists": "값 있음", "op.notExists": "값 없음",
  "editor.valueLow": "최솟값", "editor.valueHigh": "최댓값", "editor.true": "참", "editor.false": "거짓",
  "nav.overview": "개요", "nav.alerts": "알림", "nav.customers": "고객", "nav.rules": "규칙", "nav.campaigns": "캠페인", "nav.tasks": "업무", "nav.settings": "설정",
  "nav.main": "주 메뉴", "lang.label": "언어", "signout": "로그아웃", "role": "권한",
  "signin.title": "Rivalwatch 로그인", "signin.key": "API 키", "signin.submit": "로그인",
  "signin.help": "API 키를 한 번 붙여 넣으세요. 세션으로 교환되며 키는 이 브라우저에 저장되지 않습니다. 키가 없다면 npm run cli -- workspace create --name \"My brand\" 를 실행하세요.",
  "signin.failed": "알 수 없거나 폐기된 키입니다.",
  "loading": "불러오는 중…", "error": "문제가 생겼습니다", "retry": "다시 시도", "save": "저장", "cancel": "취소", "close": "닫기", "create": "만들기", "delete": "삭제", "none": "—", "search": "검색", "apply": "적용", "more": "더 보기", "yes": "예", "no": "아니요", "all": "전체", "saved": "저장했습니다",
  "overview.title": "개요", "overview.customers": "고객", "overview.openAlerts": "미해결 알림", "overview.liveRules": "운영 중 규칙",
  "overview.atRisk": "이탈 위험 고객 (위험 금액순)", "overview.perWeek": "주별 신규 알림", "overview.tierMix": "등급 분포", "overview.rulePerf": "운영 중 규칙의 성과", "overview.model": "모델",
  "overview.noSignals": "아직 신호가 없습니다. ingest 키로 신호를 보내 보세요:", "overview.noAtRisk": "열린 알림이 없습니다. 규칙이나 모델이 위험 고객을 찾으면 여기에 표시됩니다.",
  "overview.noModel": "아직 모델이 학습되지 않았습니다. 관리자가 지금 학습시키거나(POST /v1/model/fit) 주간 학습을 기다리세요.", "overview.modelFitted": "학습 완료", "overview.noTiers": "아직 등급이 없습니다. 첫 특징 갱신 후 표시됩니다.",
  "col.customer": "고객", "col.tier": "등급", "col.score": "점수", "col.valueAtRisk": "위험 금액", "col.reason": "주요 사유", "col.manager": "담당자", "col.status": "상태", "col.severity": "심각도", "col.opened": "발생", "col.label": "판정", "col.actions": "작업", "col.rule": "규칙", "col.mode": "모드", "col.points": "점수", "col.tiers": "등급", "col.precision": "정밀도", "col.saveRate": "유지율", "col.alerts": "알림", "col.version": "버전", "col.name": "이름", "col.channel": "채널", "col.due": "기한", "col.play": "권장 조치", "col.type": "유형", "col.when": "시각", "col.detail": "내용", "col.provider": "제공자", "col.confidence": "신뢰도", "col.consent": "동의 근거", "col.freshness": "유효성", "col.own": "값", "col.baseline": "평소", "col.change": "변화", "col.churn": "이탈 확률", "col.select": "선택", "col.campaign": "캠페인", "col.arm": "그룹", "col.message": "메시지",
  "arm.treated": "실험군", "arm.holdout": "대조군", "enrollment.scheduled": "예약됨", "enrollment.dispatched": "발송됨", "enrollment.held": "대조군 보류", "enrollment.suppressed": "미발송",
  "suppressed.opted_out": "채널 수신 거부", "suppressed.channel_cap": "채널 발송 한도 도달", "c360.noEnrollments": "캠페인 등록이 없습니다. 활성 캠페인을 지정한 규칙의 알림이 고객을 등록합니다.",
  "alerts.title": "알림함", "alerts.filters": "필터", "alerts.status": "상태", "alerts.severity": "심각도", "alerts.tier": "등급", "alerts.manager": "담당자 ID", "alerts.rule": "규칙", "alerts.from": "발생 시작일", "alerts.to": "발생 종료일", "alerts.sort": "정렬", "alerts.sort.opened": "최신순", "alerts.sort.valueAtRisk": "위험 금액순",
  "alerts.empty": "조건에 맞는 알림이 없습니다. 필터를 넓히거나 다음 점수 계산을 기다리세요.", "alerts.selected": "{n}건 선택", "alerts.keys": "키보드: j/k 이동, Enter 열기, x 선택, a 확인, s 7일 보류, r 해결, 1–4 판정, ? 도움말",
  "alerts.detail": "알림", "alerts.reasons": "사유", "alerts.events": "이력", "alerts.snoozeUntil": "보류 기한",
  "act.acknowledge": "확인", "act.snooze": "보류", "act.resolve": "해결", "act.reopen": "다시 열기", "act.label": "판정", "act.start": "시작", "act.complete": "완료", "act.dismiss": "종결",
  "label.real_risk": "실제 위험", "label.false_alarm": "오탐", "label.saved": "유지 성공", "label.lost": "이탈",
  "status.open": "열림", "status.acknowledged": "확인됨", "status.snoozed": "보류", "status.resolved": "해결됨", "status.in_progress": "진행 중", "status.done": "완료", "status.dismissed": "종결",
  "sev.low": "낮음", "sev.medium": "보통", "sev.high": "높음", "sev.critical": "긴급",
  "help.title": "키보드 단축키", "help.jk": "아래 / 위로 이동", "help.enter": "알림 열기", "help.x": "행 선택", "help.a": "확인", "help.s": "7일 보류", "help.r": "해결", "help.1": "판정: 실제 위험, 오탐, 유지 성공, 이탈", "help.q": "이 도움말 보기",
  "customers.title": "고객", "customers.search": "고객 ID, 식별자, 이름 또는 이메일", "customers.empty": "아직 고객이 없습니다. 신호를 보내거나 PUT /v1/customers/{id} 를 호출하세요.", "customers.noMatch": "일치하는 고객이 없습니다.",
  "c360.model.no_purchase": "아직 모델 값이 없습니다: 모델이 쓸 수 있는 구매가 없는 고객입니다.", "c360.model.fit_failed": "모델의 마지막 학습이 실패했습니다. 관리자가 다시 학습시킬 수 있습니다(POST /v1/model/fit).", "c360.model.no_usable_fit": "이 워크스페이스에는 아직 쓸 수 있는 모델이 없습니다: 재구매 고객이 더 필요합니다.",
  "event.opened": "열림", "event.updated": "갱신됨", "event.acknowledge": "확인함", "event.snooze": "다시 알림 예약", "event.resolve": "해결함", "event.reopen": "다시 엶", "event.labeled": "라벨 지정", "event.system": "Rivalwatch 자동", "event.score": "점수 {n}",
  "chart.time": "날짜", "signalType.purchase": "구매", "signalType.refund": "환불", "signalType.session": "방문", "signalType.support_ticket": "고객 문의", "signalType.campaign_response": "캠페인 반응", "signalType.competitor_app_usage": "경쟁사 앱 사용", "signalType.competitor_purchase": "경쟁사 구매",
  "consent.consent": "동의", "consent.contract": "계약", "consent.legitimate_interest": "정당한 이익", "consent.legal_obligation": "법적 의무", "consent.public": "공개 정보",
  "settings.alertOnSeverity": "점수와 관계없이 알림을 여는 심각도", "settings.alertHoldout": "규칙별 알림 대조군 (%)", "settings.oneAlertPerEpisode": "위험 구간마다 알림 한 번", "alerts.episodeHint": "위험 구간마다 알림 한 번: 이 고객은 다시 구매하기 전까지 새 알림이 열리지 않습니다. 더 높은 심각도의 규칙이 맞으면 예외입니다.", "settings.oneAlertPerEpisodeHelp": "위험 구간은 알림이 열린 때부터 고객이 다시 구매할 때까지입니다. 그 알림이 해결되면 고객이 다시 구매하기 전에는 새 알림을 열지 않습니다. 더 높은 심각도의 규칙이 맞으면 예외입니다. 끄면 규칙의 재알림 대기 기간이 끝나는 대로 새 알림이 열릴 수 있습니다.", "settings.alertHoldoutHelp": "규칙마다 알림 중 조치(캠페인, 업무)에서 제외하고 추적만 하는 비율입니다. 규칙 성과에서 조치한 경우와 하지 않은 경우를 비교할 수 있습니다.",
  "c360.profile": "프로필", "c360.identities": "식별자", "c360.tier": "등급", "c360.tierParts": "등급 구성 요소", "c360.tierHistory": "등급 이력", "c360.scores": "위험 점수 이력", "c360.scoreHint": "점을 선택하면 사유를 볼 수 있습니다.", "c360.features": "평소 대비 특징", "c360.own": "자사 이용", "c360.competitor": "경쟁사 증거", "c360.signals": "신호 타임라인", "c360.model": "모델 값", "c360.alerts": "알림", "c360.tasks": "업무", "c360.enrollments": "캠페인 등록", "c360.noScores": "아직 점수가 없습니다. 첫 특징 갱신 후 표시됩니다.", "c360.noSignals": "이 고객의 신호가 아직 없습니다.", "c360.stale": "특징을 갱신하는 중입니다.", "c360.fresh": "유효", "c360.expired": "만료", "c360.expectedValue": "기대 가치(CLV)", "c360.pAlive": "활동 확률", "c360.since": "부터", "c360.email": "이메일", "c360.managerId": "담당자",
  "part.monetary": "구매 금액", "part.frequency": "구매 빈도", "part.recency": "최근성", "part.engagement": "참여도",
  "rules.title": "규칙", "rules.new": "새 규칙", "rules.empty": "규칙이 없습니다. 새로 만들거나 기본 규칙을 복원하세요.", "rules.readOnly": "이 키의 권한으로는 규칙을 볼 수만 있습니다.",
  "editor.title": "규칙 스튜디오", "editor.name": "이름", "editor.id": "ID", "editor.description": "설명", "editor.tiers": "적용 등급", "editor.points": "점수", "editor.severity": "심각도", "editor.cooldown": "재알림 대기(일)", "editor.task": "담당자 업무 만들기", "editor.campaign": "캠페인 등록(ID)", "editor.conditions": "조건", "editor.json": "JSON", "editor.jsonInvalid": "올바른 JSON이 아닙니다: {m}",
  "editor.all": "모두 만족", "editor.any": "하나 이상 만족", "editor.not": "부정", "editor.addCondition": "조건 추가", "editor.addGroup": "그룹 추가", "editor.negate": "부정", "editor.remove": "삭제", "editor.fact": "항목", "editor.operator": "연산자", "editor.value": "값", "editor.valueTo": "~",
  "editor.saveShadow": "섀도로 저장", "editor.saveVersion": "새 버전 저장", "editor.goLive": "운영 시작", "editor.switchOff": "끄기", "editor.toShadow": "섀도로 전환", "editor.mode": "모드",
  "editor.try": "고객에게 시험", "editor.tryCustomer": "고객 ID", "editor.tryRun": "실행", "editor.matched": "일치", "editor.notMatched": "불일치", "editor.actual": "실제",
  "editor.backtest": "백테스트", "editor.btFrom": "시작", "editor.btTo": "종료", "editor.btStep": "간격(일)", "editor.btRun": "백테스트 실행", "editor.flagged": "탐지", "editor.lift": "향상도", "editor.flaggedCustomers": "{d} 탐지 고객",
  "editor.versions": "버전", "editor.diff": "비교", "editor.rollback": "이 버전으로 되돌리기", "editor.performance": "버전별 성과", "editor.errors": "아래 표시된 항목을 고치세요.",
  "mode.live": "운영", "mode.shadow": "섀도", "mode.off": "끔",
  "campaigns.title": "캠페인", "campaigns.new": "새 캠페인", "campaigns.empty": "아직 캠페인이 없습니다. 만든 뒤 규칙의 작업에 지정하세요.", "campaigns.slug": "ID", "campaigns.template": "메시지", "campaigns.titleField": "제목", "campaigns.holdout": "대조군 %", "campaigns.cap": "최대", "campaigns.capDays": "회 / 일수", "campaigns.advertising": "광고성 (한국 규정: (광고) 표기, 수신 거부, 21:00–08:00 발송 금지)", "campaigns.from": "시작", "campaigns.until": "종료", "campaigns.triggerRules": "트리거 규칙(ID, 쉼표로 구분)", "campaigns.couponValue": "쿠폰 금액(비우면 없음)", "campaigns.stats": "성과", "campaigns.uplift": "전환율 향상(실험군 − 대조군), 95% 구간", "campaigns.preview": "고객 미리보기", "preview.run": "미리보기", "preview.savedOnly": "저장된 캠페인이 지금 이 고객에게 할 일입니다. 아무것도 보내거나 기록하지 않습니다.",
  "preview.treated": "이 메시지를 받게 됩니다", "preview.holdout": "대조군: 효과 측정을 위해 기록만 하고 보내지 않습니다", "preview.suppressed": "등록되지만 발송되지 않습니다", "preview.skipped": "등록되지 않습니다",
  "why.paused": "캠페인이 일시 중지되어 있습니다. 발송하려면 활성화하세요", "why.inactive": "캠페인 운영 기간이 아닙니다", "why.not_triggered": "이 규칙은 캠페인의 트리거 규칙이 아닙니다", "why.tier_not_targeted": "고객 등급이 캠페인 대상이 아닙니다", "why.frequency_cap": "캠페인 발송 빈도 한도에 도달했습니다", "why.opted_out": "이 채널 수신을 거부했습니다", "why.channel_cap": "워크스페이스의 채널 발송 한도에 도달했습니다",
  "preview.sendAt": "{d} 발송", "preview.deferred": "({tz} 기준 야간 발송 금지 시간 이후로 미룸)",
  "stat.enrolled": "등록", "stat.treated": "실험군", "stat.holdout": "대조군", "stat.delivered": "발송", "stat.opened": "열람", "stat.clicked": "클릭", "stat.converted": "전환", "stat.revenue": "매출",
  "tasks.title": "내 업무", "tasks.whoAmI": "어느 담당자이신가요?", "tasks.pick": "선택", "tasks.empty": "열린 업무가 없습니다. 규칙이 중요한 고객에 대해 업무를 요청하면 표시됩니다.", "tasks.noManagers": "담당자가 없습니다. 관리자가 POST /v1/managers 로 추가합니다.", "tasks.outcome": "결과", "tasks.reason": "사유", "tasks.overdue": "기한 초과", "tasks.digest": "최근 요약", "tasks.noDigest": "아직 보낸 요약이 없습니다.", "tasks.preview": "다음 요약 (미리보기)", "tasks.sendNow": "지금 보내기", "tasks.alreadySent": "이번 기간 요약을 이미 보냄:",
  "model.not_fitted": "아직 학습 전", "model.insufficient_data": "이력 부족", "model.failed": "학습 실패",
  "outcome.retained": "유지", "outcome.lost": "이탈", "outcome.no_contact": "연락 안 됨",
  "settings.title": "설정", "settings.workspace": "워크스페이스", "settings.locale": "기본 언어", "settings.currency": "통화", "settings.tiers": "등급", "settings.weights": "가중치", "settings.cutoffs": "기준점 (절대 점수)", "settings.preview": "저장 전 등급 분포", "settings.previewHint": "현재와 위 가중치·기준점을 적용했을 때의 등급별 고객 수 (지금 기준, 고객 {n}명 중 {moved}명의 등급이 바뀜).", "settings.previewNow": "현재", "settings.previewProposed": "이 설정으로", "settings.previewChange": "변화", "settings.previewInvalid": "설정이 올바르지 않아 미리 볼 수 없음: {m}", "settings.scoring": "점수", "settings.threshold": "알림 기준 점수", "settings.modelWeight": "모델 가중치", "settings.actions": "작업", "settings.taskTiers": "업무 대상 등급", "settings.taskMin": "업무 최소 위험 금액", "settings.endpoints": "웹훅 엔드포인트", "settings.deliveries": "전송 기록", "settings.replay": "재전송", "settings.sources": "서명 소스", "settings.keys": "API 키", "settings.competitors": "경쟁사", "settings.adminOnly": "관리자 키만 설정을 바꿀 수 있습니다.", "settings.keyOnce": "지금 복사하세요. 다시 표시되지 않습니다:", "settings.revoke": "폐기", "settings.url": "URL", "settings.events": "이벤트", "settings.newKeyName": "키 이름", "settings.sourceName": "소스 이름", "settings.secretOnce": "서명 비밀값(한 번만 표시):", "settings.revoked": "폐기됨", "settings.default": "기본값", "settings.cutoffsRelative": "기준점 (워크스페이스 내 최소 백분위, 0–1)", "settings.allowList": "웹훅 허용 목록",
};

const dictionaries: Record<Lang, Record<Key, string>> = { en, ko };
let lang: Lang = "en";
let currency = "KRW";

export const getLang = () => lang;
/** A fact's label in the viewer's language (GET /v1/rules/facts gives both). */
export const factLabel = (f: { label: string; labels?: Partial<Record<Lang, string>> }) => f.labels?.[lang] ?? f.label;
export function setLang(l: Lang) {
  lang = l;
  document.documentElement.lang = l;
}
export const setCurrency = (c: string) => void (currency = c);

/** The viewer's choice, else the browser's first Korean or English preference, else the workspace default. */
export function initialLang(workspaceLocale?: string): Lang {
  const chosen = localStorage.getItem("rw.lang");
  if (chosen === "ko" || chosen === "en") return chosen;
  for (const l of navigator.languages ?? [navigator.language]) {
    if (l.startsWith("ko")) return "ko";
    if (l.startsWith("en")) return "en";
  }
  return workspaceLocale === "en" ? "en" : "ko";
}

export function t(key: Key, vars: Record<string, string | number> = {}): string {
  const s = dictionaries[lang][key] ?? en[key] ?? key;
  return s.replace(/\{(\w+)\}/g, (_, k) => String(vars[k] ?? ""));
}
/** For keys built from API values (status, severity, label…): falls back to the value itself. */
export const tv = (prefix: string, value: string | null | undefined) =>
  value == null ? "—" : ((dictionaries[lang] as Record<string, string>)[`${prefix}.${value}`] ?? value);

const locale = () => (lang === "ko" ? "ko-KR" : "en-US");
export const fmt = {
  money: (v: number | null | undefined) =>
    v == null ? "—" : new Intl.NumberFormat(locale(), { style: "currency", currency, maximumFractionDigits: currency === "KRW" || currency === "JPY" ? 0 : 2 }).format(v),
  num: (v: number | null | undefined, digits = 0) => (v == null ? "—" : new Intl.NumberFormat(locale(), { maximumFractionDigits: digits }).format(v)),
  pct: (v: number | null | undefined, digits = 0) => (v == null ? "—" : new Intl.NumberFormat(locale(), { style: "percent", maximumFractionDigits: digits }).format(v)),
  date: (v: string | null | undefined) => (v ? new Intl.DateTimeFormat(locale(), { dateStyle: "medium" }).format(new Date(v)) : "—"),
  dateTime: (v: string | null | undefined) => (v ? new Intl.DateTimeFormat(locale(), { dateStyle: "medium", timeStyle: "short" }).format(new Date(v)) : "—"),
};
