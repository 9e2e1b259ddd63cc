/** The bus contract lives in the plugin API (operators use it); re-exported for the backends. */
export * from '../../api/bus.ts';
