// Node defines Symbol.dispose as Symbol.for('nodejs.dispose') in its main realm
// (Node 20/22), but Jest runs tests in a fresh vm realm without that polyfill.
Symbol.dispose ??= Symbol.for('nodejs.dispose');
Symbol.asyncDispose ??= Symbol.for('nodejs.asyncDispose');
