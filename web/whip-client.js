export * from './sdk/whip.js';
