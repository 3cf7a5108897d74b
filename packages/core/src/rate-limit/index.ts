export { TokenBucket, type TokenBucketOptions, type TokenBucketState } from './token-bucket.js';
export {
  RateLimiter,
  type RateLimit,
  type RateLimiterOptions,
  type RateLimiterState,
} from './rate-limiter.js';
