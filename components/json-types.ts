/** A value as it arrives over JSON: its dates (at any depth) are ISO 8601 text. */
export type Json<T> = T extends Date ? string : T extends (infer U)[] ? Json<U>[] : T extends object ? { [K in keyof T]: Json<T[K]> } : T;
