#!/usr/bin/env -S node --max-semi-space-size=32
// Entry point for the installed `sc-sim` command: runs the TypeScript CLI through tsx so a
// clone needs no build step.
import { register } from 'tsx/esm/api';
register();
await import('../src/cli.ts');
