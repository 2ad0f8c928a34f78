/**
 * The 3-class target. Labels are stored as class indices so models see 0..2:
 * 0 = short (price expected down), 1 = neutral, 2 = long (price expected up).
 *
 * @module
 */

/** Class index of each call. */
export const SHORT = 0;
export const NEUTRAL = 1;
export const LONG = 2;
/** Number of classes. */
export const N_CLASSES = 3;
/** Human names by class index. */
export const CLASS_NAMES = ["short", "neutral", "long"] as const;
/** Direction (-1, 0, +1) by class index. */
export const CLASS_DIRECTION = [-1, 0, 1] as const;
