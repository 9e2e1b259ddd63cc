/**
 * Composition root of the `argus` command: the generic engine CLI with Argus's built-in operators,
 * spec kinds and commands plugged in. The engine itself imports nothing from operators/.
 */
console.error('argus: engine CLI not wired yet');
process.exitCode = 1;
