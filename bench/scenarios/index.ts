import { cvatScenarios } from './cvat.js';
import { danbooruScenarios } from './danbooru.js';
import { hostileScenarios } from './hostile.js';
import { nativeScenarios } from './native.js';
import type { ScenarioSource } from './scenario.js';

/** Every dialect's scenarios, in the order the table prints them. A dialect adds one line. */
export const SCENARIO_SOURCES: readonly ScenarioSource[] = [nativeScenarios, danbooruScenarios, cvatScenarios, hostileScenarios];
