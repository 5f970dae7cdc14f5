// The rule engine: pure, no I/O. Conditions are data; facts and operators are code.
export { compileRule, type RuleEvaluation, type RulePredicate } from "./compile-js.ts";
export { compileRuleToSql, type CompiledSql } from "./compile-sql.ts";
export {
  conditionLeafSchema,
  ruleConditionsSchema,
  ruleLimits,
  validateConditions,
  type ConditionLeaf,
  type ConditionNode,
  type RuleConditions,
  type RuleIssue,
} from "./conditions.ts";
export { defaultRulePack } from "./default-pack.ts";
export {
  packRuleSchema,
  ruleActionsSchema,
  ruleAppliesToTier,
  ruleDefinitionSchema,
  ruleModes,
  ruleSeverities,
  ruleSlugSchema,
  type PackRule,
  type RuleDefinition,
  type RuleDefinitionInput,
  type RuleMode,
  type RuleSeverity,
} from "./definition.ts";
export { explainTrace, formatAmount, locales, type ExplainOptions, type Locale } from "./explain.ts";
export { koNeeds, koPhrases, type KoPhrase } from "./phrases-ko.ts";
export {
  derivedFactColumnsClose,
  derivedFactColumnsOpen,
  factCatalogue,
  factsByName,
  factUnits,
  factWindows,
  type FactDefinition,
  type FactName,
  type FactPhrase,
  type FactUnit,
  type FactValues,
  type FactWindow,
} from "./facts.ts";
export { leafTraceSchema, ruleTraceSchema, type LeafTrace, type RuleTrace, type TraceFactValue } from "./trace.ts";
export { factTypes, operators, operatorsByFactType, tierNames, type FactType, type Operator, type TierName } from "./vocabulary.ts";
