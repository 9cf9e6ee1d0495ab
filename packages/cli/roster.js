#!/usr/bin/env node
import '../../bin/roster.js';
