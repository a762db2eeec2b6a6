/** The cookie holding the reader's language choice (ja | en). */
export const LOCALE_COOKIE = 'ocs-lang';
