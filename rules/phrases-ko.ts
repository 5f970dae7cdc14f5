// Korean wording of the reasons: per fact, a label and the sentence templates (the same
// placeholders and `[…]` sections as the English phrase in facts.ts, which decide what a
// trace captures), plus what a miss needed, per operator. Kept apart from facts.ts so the
// catalogue stays one file per concern; Record<FactName, …> makes a fact without Korean
// words a compile error. Style: the short noun-ending notes an account manager writes
// ("최근 30일 경쟁사 구매액 120,000원"); Korean has no plural, so no `one`.
import type { FactName } from "./facts.ts";
import type { Operator } from "./vocabulary.ts";

export type KoPhrase = {
  label: string;
  text: string;
  whenNull?: string;
  whenFalse?: string;
  /** The counter a count is read with: 3 → "3회", "3개", "3건". */
  counter?: string;
};

const noPurchase = "구매 이력 없음";
const noModel = "아직 모델 예측 없음";
const noTier = "아직 등급 없음";

export const koPhrases: Record<FactName, KoPhrase> = {
  spend30d: { label: "최근 30일 구매액", text: "최근 30일 구매액 {value}" },
  spend90d: { label: "최근 90일 구매액", text: "최근 90일 구매액 {value}" },
  spend180d: { label: "최근 180일 구매액", text: "최근 180일 구매액 {value}" },
  orders30d: { label: "최근 30일 주문 수", text: "최근 30일 주문 {value}", counter: "회" },
  orders90d: { label: "최근 90일 주문 수", text: "최근 90일 주문 {value}", counter: "회" },
  orders180d: { label: "최근 180일 주문 수", text: "최근 180일 주문 {value}", counter: "회" },
  aov30d: { label: "최근 30일 평균 주문액", text: "최근 30일 평균 주문액 {value}", whenNull: "최근 30일 주문 없음" },
  aov90d: { label: "최근 90일 평균 주문액", text: "최근 90일 평균 주문액 {value}", whenNull: "최근 90일 주문 없음" },
  aov180d: { label: "최근 180일 평균 주문액", text: "최근 180일 평균 주문액 {value}", whenNull: "최근 180일 주문 없음" },
  refunds90d: { label: "최근 90일 환불액", text: "최근 90일 환불액 {value}" },
  ordersTotal: { label: "누적 주문 수", text: "누적 주문 {value}", counter: "회" },
  spendTotal: { label: "누적 구매액", text: "누적 구매액 {value}" },
  firstPurchaseAt: { label: "첫 구매일", text: "첫 구매일 {value}", whenNull: noPurchase },
  lastPurchaseAt: { label: "마지막 구매일", text: "마지막 구매일 {value}", whenNull: noPurchase },
  daysSinceLastPurchase: { label: "마지막 구매 후 경과일", text: "마지막 구매 후 {value} 경과", whenNull: noPurchase },
  purchaseIntervalDays: { label: "평소 구매 주기", text: "평소 구매 주기 {value}", whenNull: "구매 주기를 알기에는 구매 이력 부족" },
  // Gaps between purchase days = purchase days after the first: repeat purchases.
  purchaseGaps: { label: "재구매 횟수", text: "지금까지 재구매 {value}", counter: "회" },
  purchaseGapP90Days: {
    label: "구매 간격 90백분위",
    text: "구매 간격 10번 중 9번은 {value} 이내",
    whenNull: "구매 간격을 알기에는 구매 이력 부족",
  },
  usualMaxGapDays: { label: "평소 최장 구매 간격", text: "평소 최장 구매 간격 {value}", whenNull: "평소 최장 구매 간격을 알기에는 구매 이력 부족" },
  sessions7d: { label: "최근 7일 방문 수", text: "최근 7일 방문 {value}", counter: "회" },
  sessions30d: { label: "최근 30일 방문 수", text: "최근 30일 방문 {value}", counter: "회" },
  activeDays7d: { label: "최근 7일 활동일", text: "최근 7일 중 활동일 {value}", counter: "일" },
  activeDays30d: { label: "최근 30일 활동일", text: "최근 30일 중 활동일 {value}", counter: "일" },
  categoryRepeatMax180d: { label: "최근 180일 선호 카테고리 구매 수", text: "최근 180일 같은 카테고리 구매 {value}", counter: "회" },
  topCategory180d: { label: "최근 180일 선호 카테고리", text: "최근 180일 주 구매 카테고리 {value}", whenNull: "최근 180일 카테고리가 있는 구매 없음" },
  competitorApps30d: { label: "최근 30일 경쟁사 앱 수", text: "최근 30일 경쟁사 앱 {value} 사용[ ({competitorAppNames30d})]", counter: "개" },
  competitorApps90d: { label: "최근 90일 경쟁사 앱 수", text: "최근 90일 경쟁사 앱 {value} 사용", counter: "개" },
  competitorAppNames30d: { label: "최근 30일 사용한 경쟁사 앱", text: "최근 30일 사용한 경쟁사 앱: {value}" },
  competitorNames30d: { label: "최근 30일 이용한 경쟁사", text: "최근 30일 이용한 경쟁사: {value}" },
  competitorSpend30d: { label: "최근 30일 경쟁사 구매액", text: "최근 30일 경쟁사 구매액 {value}" },
  competitorSpend90d: { label: "최근 90일 경쟁사 구매액", text: "최근 90일 경쟁사 구매액 {value}" },
  competitorPurchases30d: { label: "최근 30일 경쟁사 구매 횟수", text: "최근 30일 경쟁사 구매 {value}", counter: "회" },
  competitorPurchases30dBaseline: { label: "평소 30일 경쟁사 구매 횟수", text: "평소 30일 경쟁사 구매 {value}", counter: "회" },
  competitorMinutes30d: { label: "최근 30일 경쟁사 앱 사용 시간", text: "최근 30일 경쟁사 앱 사용 시간 {value}" },
  competitorConfidence30d: { label: "최근 30일 경쟁사 데이터 신뢰도", text: "최근 30일 경쟁사 데이터 신뢰도 {value}", whenNull: "최근 30일 경쟁사 데이터 없음" },
  supportTickets30d: { label: "최근 30일 고객 문의 수", text: "최근 30일 고객 문의 {value}", counter: "건" },
  highSeverityTickets30d: { label: "최근 30일 심각 문의 수", text: "최근 30일 심각도 높은 문의 {value}", counter: "건" },
  negativeTickets30d: { label: "최근 30일 부정적 문의 수", text: "최근 30일 부정적 문의 {value}", counter: "건" },
  campaignClicks30d: { label: "최근 30일 캠페인 클릭 수", text: "최근 30일 캠페인 메시지 클릭 {value}", counter: "회" },
  unsubscribed: { label: "마케팅 수신 거부", text: "마케팅 수신 거부", whenFalse: "마케팅 수신 동의" },
  spend30dBaseline: { label: "평소 30일 구매액", text: "평소 30일 구매액 {value}" },
  orders30dBaseline: { label: "평소 30일 주문 수", text: "평소 30일 주문 {value}", counter: "회" },
  sessions30dBaseline: { label: "평소 30일 방문 수", text: "평소 30일 방문 {value}", counter: "회" },
  competitorSpend30dBaseline: { label: "평소 30일 경쟁사 구매액", text: "평소 30일 경쟁사 구매액 {value}" },
  competitorApps30dBaseline: { label: "이전 180일 경쟁사 앱 수", text: "최근 30일 이전 180일간 경쟁사 앱 {value} 사용", counter: "개" },
  spend30dChange: { label: "구매액 변화", text: "구매액 평소 대비 {value}", whenNull: "비교할 평소 구매액 없음" },
  orders30dChange: { label: "주문 수 변화", text: "주문 수 평소 대비 {value}", whenNull: "비교할 평소 주문 없음" },
  sessions30dChange: { label: "방문 수 변화", text: "방문 수 평소 대비 {value}", whenNull: "비교할 평소 방문 없음" },
  competitorSpend30dChange: { label: "경쟁사 구매액 변화", text: "경쟁사 구매액 평소 대비 {value}", whenNull: "비교할 평소 경쟁사 구매액 없음" },
  tier: { label: "등급", text: "{value} 등급 고객", whenNull: noTier },
  tierScore: { label: "등급 점수", text: "등급 점수 {value}", whenNull: noTier },
  churnProbability: { label: "이탈 확률", text: "이탈 확률 {value}", whenNull: noModel },
  riskProbability: { label: "학습 모델 위험 확률", text: "학습 모델 위험 확률 {value}", whenNull: "학습 모델 예측 없음" },
  riskAlertThreshold: { label: "학습 모델 알림 기준선", text: "알림 예산에 따른 학습 모델 알림 기준선 {value}", whenNull: "학습 모델 알림 기준선 없음" },
  clv: { label: "예상 고객 생애 가치", text: "예상 고객 생애 가치 {value}", whenNull: noModel },
  valueAtRisk: { label: "위험 금액", text: "이탈 위험 금액 {value}", whenNull: noModel },
  pAlive: { label: "활성 고객 확률", text: "아직 활성 구매 고객일 확률 {value}", whenNull: noModel },
  expectedPurchases90d: { label: "향후 90일 예상 구매 수", text: "향후 90일 예상 구매 {value}", counter: "회", whenNull: noModel },
  silenceRatio: {
    label: "평소 구매 주기 대비 공백",
    text: "{daysSinceLastPurchase}째 구매 없음, 평소 구매 주기[ {purchaseIntervalDays}]의 {value}",
    whenNull: "비교할 평소 구매 주기 없음",
  },
  gapSilenceRatio: {
    label: "평소 최장 간격 대비 공백",
    text: "{daysSinceLastPurchase}째 구매 없음, 평소 최장 구매 간격[ {usualMaxGapDays}]의 {value}",
    whenNull: "비교할 평소 최장 구매 간격 없음",
  },
  seasonalSilenceBayesFactor: {
    label: "공백의 계절성 베이즈 인자",
    text: "계절성 베이즈 인자 {value} (성수기·비수기 두 리듬 대 한결같은 한 리듬)",
    whenNull: "공백의 계절성을 비교할 자료 없음",
  },
  silenceChance: {
    label: "평소 구매 리듬으로 이만큼 오래 구매하지 않을 확률",
    text: "평소 리듬대로라면 이만큼 오래 구매하지 않을 확률 {value}[ ({daysSinceLastPurchase}째 구매 없음, 평소 최장 구매 간격 {usualMaxGapDays})]",
    whenNull: "공백을 판단할 만큼 구매 간격이 많지 않음",
  },
  competitorShareOfWallet30d: {
    label: "최근 30일 경쟁사 지출 비중",
    text: "최근 30일 지출 중 경쟁사 비중 {value}[ (경쟁사 {competitorSpend30d}, 자사 {spend30d})]",
    whenNull: "최근 30일 자사·경쟁사 지출 모두 없음",
  },
  orders30dShortfallChance: {
    label: "평소 주문 빈도로 이만큼 적게 주문할 확률",
    text: "평소대로라면 이만큼 적게 주문할 확률 {value}[ (최근 30일 주문 {orders30d}, 평소 {orders30dUsual})]",
    whenNull: "비교할 평소 주문 수 없음",
  },
  competitorPurchases30dSurgeChance: {
    label: "평소 빈도로 경쟁사에서 이만큼 자주 구매할 확률",
    text: "평소대로라면 경쟁사에서 이만큼 자주 구매할 확률 {value}[ (최근 30일 경쟁사 구매 {competitorPurchases30d})]",
    whenNull: "경쟁사 구매를 판단하기에는 이력 부족",
  },
  sessions30dShortfallChance: {
    label: "평소 방문 빈도로 이만큼 적게 방문할 확률",
    text: "평소대로라면 이만큼 적게 방문할 확률 {value}[ (최근 30일 방문 {sessions30d}, 평소 {sessions30dUsual})]",
    whenNull: "비교할 평소 방문 수 없음",
  },
  baselineDaysKnown: { label: "기준 기간 중 고객이었던 일수", text: "최근 30일 이전 180일 중 {value} 동안 고객", whenNull: noPurchase },
  spend30dUsual: { label: "평소 30일 구매액 (고객이 된 이후)", text: "평소 30일마다 {value} 구매", whenNull: "평소 구매액을 낼 만큼 이력이 길지 않음" },
  orders30dUsual: { label: "평소 30일 주문 수 (고객이 된 이후)", text: "평소 30일마다 주문 {value}", whenNull: "평소 주문 수를 낼 만큼 이력이 길지 않음", counter: "회" },
  sessions30dUsual: { label: "평소 30일 방문 수 (고객이 된 이후)", text: "평소 30일마다 방문 {value}", whenNull: "평소 방문 수를 낼 만큼 이력이 길지 않음", counter: "회" },
  competitorSpend30dUsual: { label: "평소 30일 경쟁사 구매액 (고객이 된 이후)", text: "평소 30일마다 경쟁사에서 {value} 구매", whenNull: "평소 경쟁사 구매액을 낼 만큼 이력이 길지 않음" },
  competitorShareOfWalletUsual: { label: "평소 경쟁사 지출 비중", text: "평소 지출 중 경쟁사 비중 {value}", whenNull: "최근 30일 이전 자사·경쟁사 지출 모두 없음" },
  competitorShareOfWalletShift30d: {
    label: "최근 30일 경쟁사로 옮겨 간 지출 비중",
    text: "평소보다 지출의 {value}를 경쟁사로 옮김[ (경쟁사 {competitorSpend30d}, 자사 {spend30d})]",
    whenNull: "평소와 비교할 지출 비중 없음",
  },
};

/** What a leaf asks for, and (negated) what `not` of it asks for: "기준 100,000원 이상". */
export const koNeeds: Record<Operator, [string, string]> = {
  equal: ["기준 {v}", "기준 {v} 외"],
  notEqual: ["기준 {v} 외", "기준 {v}"],
  lessThan: ["기준 {v} 미만", "기준 {v} 이상"],
  lessThanInclusive: ["기준 {v} 이하", "기준 {v} 초과"],
  greaterThan: ["기준 {v} 초과", "기준 {v} 이하"],
  greaterThanInclusive: ["기준 {v} 이상", "기준 {v} 미만"],
  in: ["기준 {v} 중 하나", "기준 {v} 외"],
  notIn: ["기준 {v} 외", "기준 {v} 중 하나"],
  contains: ["기준 {v} 포함", "기준 {v} 미포함"],
  doesNotContain: ["기준 {v} 미포함", "기준 {v} 포함"],
  between: ["기준 {v} 범위", "기준 {v} 범위 밖"],
  decreasedByAtLeast: ["기준 평소 대비 {v} 이상 감소", "기준 평소 대비 감소 {v} 미만"],
  increasedByAtLeast: ["기준 평소 대비 {v} 이상 증가", "기준 평소 대비 증가 {v} 미만"],
  exists: ["기준 값 있음", "기준 값 없음"],
  notExists: ["기준 값 없음", "기준 값 있음"],
};
