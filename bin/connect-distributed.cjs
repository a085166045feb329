#!/usr/bin/env -S node --max-semi-space-size=32 --max-old-space-size=512
'use strict';
// `connect-distributed worker.properties`: `npm start` with Apache's distributed-worker file (README).
require('./launch.cjs')('connect-distributed');
