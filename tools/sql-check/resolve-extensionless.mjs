// dt-sql-parser 4.5 ships ES modules whose imports omit the file extension ('../common/basicSQL'), which Node's ES
// module resolver rejects. This resolve hook retries such a relative import as FILE.js, then as FILE/index.js.
export async function resolve(specifier, context, nextResolve) {
  try {
    return await nextResolve(specifier, context);
  } catch (error) {
    if (!specifier.startsWith('.') || !['ERR_MODULE_NOT_FOUND', 'ERR_UNSUPPORTED_DIR_IMPORT'].includes(error.code)) {
      throw error;
    }
    for (const candidate of [specifier + '.js', specifier + '/index.js']) {
      try {
        return await nextResolve(candidate, context);
      } catch {
        // try the next spelling
      }
    }
    throw error;
  }
}
