/** Longest signature header a verifier reads; longer ones are rejected before any parsing. */
export const MAX_SIGNATURE_HEADER_LENGTH = 4096

/** Most signatures one header may carry (one per active secret during rotation). */
export const MAX_SIGNATURES = 16

/** Visible ASCII plus space and tab: anything else in a signature header is rejected. */
export const HEADER_TEXT = /^[\t\x20-\x7e]*$/
