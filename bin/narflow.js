#!/usr/bin/env node
import '../dist/src/cluster/cli/narflow.js';
