/** The JMS message selector: ActiveMQ Classic's SQL-92 subset, parsed once and compiled to closures. */
export { parseSelector, parseOptionalSelector, isBlankSelector, CompiledSelector, type Selector } from './selector.js';
export { SELECTOR_MAX_DEPTH, SELECTOR_MAX_LENGTH } from './parser.js';
export { SelectorEvaluationError } from './values.js';
export { HEADER_NAMES } from './headers.js';
export { CONVERT_STRING_EXPRESSIONS_PREFIX } from './convert-strings.js';
