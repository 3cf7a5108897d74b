export { FlotillaError, isFlotillaError, type SerializedError } from './flotilla-error.js';
export { ConfigError, isConfigError, INVALID_CONFIG, describeValue } from './config-error.js';
export { checkNumber, checkPositive, checkInteger, checkLimit, checkName, checkOneOf } from './validate.js';
