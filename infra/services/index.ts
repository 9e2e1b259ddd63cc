/** Every provisioned service, in install/start order. Add a service: one file here + one line below. */
import type { ServiceDefinition } from '../service.ts';
import chromium from './chromium.ts';
import kafka from './kafka.ts';
import openbao from './openbao.ts';
import prometheus from './prometheus.ts';
import redis from './redis.ts';
import venv from './venv.ts';

export const SERVICES: ServiceDefinition[] = [kafka, venv, redis, openbao, prometheus, chromium];
