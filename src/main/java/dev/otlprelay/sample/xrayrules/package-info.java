/**
 * X-Ray sampling rules: the rules file in every form users have it (the X-Ray API's {@code SamplingRule}, a list
 * of them, {@code aws xray get-sampling-rules} output, the X-Ray SDK's local rules file versions 1 and 2),
 * validated completely at load and compiled once; matching by priority with case-insensitive globs; a per-second
 * reservoir per rule, then the fixed rate decided from the trace id's randomness; and the weight each kept trace
 * carries. {@link dev.otlprelay.sample.xrayrules.XrayRules} loads, {@link
 * dev.otlprelay.sample.xrayrules.XrayRulesSampler} decides.
 */
package dev.otlprelay.sample.xrayrules;
