/** Where --cache keeps its file unless --cache-location says otherwise (like ESLint's .eslintcache). */
export const DEFAULT_CACHE_LOCATION = ".sqlguardcache";
