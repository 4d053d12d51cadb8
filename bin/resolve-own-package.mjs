// The loader hook behind bin/vantage.js's fallback: an ES module import of Vantage's
// own package name that nothing else resolves gets the running Vantage's checks API.
let own

export function initialize(data) {
  own = data
}

export async function resolve(specifier, context, next) {
  try {
    return await next(specifier, context)
  } catch (error) {
    if (specifier === own?.name && error?.code === 'ERR_MODULE_NOT_FOUND') {
      return { url: own.url, shortCircuit: true }
    }
    throw error
  }
}
