#!/usr/bin/env -S node --max-semi-space-size=32 --max-old-space-size=512
'use strict';
// `connect-standalone [--override key=value …] worker.properties [connector.properties …]` (docs/standalone.md).
require('./launch.cjs')('connect-standalone');
