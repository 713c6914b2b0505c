#!/usr/bin/env node
// The ONNX Runtime (CPU) peer, through the npm package onnxruntime-node.
//
//   node ort_bench.js run MODEL DIR [--threads T] [--iters N] [--budget S]
//       Inputs are DIR/input_K.pb (TensorProto, the model's K-th input); missing ones are made:
//       uniform random in [-1, 1) from a fixed seed (integers 0), and written there, so tcc-run
//       can read the same files (--input). Runs the model once and writes its outputs to
//       DIR/ref_K.pb; then, when N > 0, runs it for warm-up (N/10, 1..10 runs) and N timed runs,
//       at most about S seconds of timed runs (default 10, at least 3 runs), and prints
//       median_ms: / min_ms: / iters: lines.
//       Session: graphOptimizationLevel 'all', intraOpNumThreads T (default 1),
//       interOpNumThreads 1, executionMode 'sequential'.
//
//   node ort_bench.js compare REF.pb GOT.pb [RTOL]
//       ok when max|got - ref| <= RTOL * max|ref| (default 1e-3) and shapes agree; prints
//       "ok max_abs_err=E max_abs_ref=R" or "WRONG ..." (exit status 1).
'use strict';
const fs = require('fs');
const path = require('path');

// ---- minimal TensorProto reader/writer: dims(1), data_type(2), float_data(4), int64_data(7),
// ---- name(8), raw_data(9). Enough for float32 tensors (and int64 zeros).
const FLOAT = 1, INT64 = 7;

function readVarint(buf, pos) {
	let v = 0n, shift = 0n;
	for (;;) {
		const b = buf[pos++];
		v |= BigInt(b & 0x7f) << shift;
		if (!(b & 0x80)) return [v, pos];
		shift += 7n;
	}
}

function readTensor(file) {
	const buf = fs.readFileSync(file);
	const t = { dims: [], dataType: 0, name: '', raw: null, floats: [] };
	let pos = 0;
	while (pos < buf.length) {
		let key;
		[key, pos] = readVarint(buf, pos);
		const field = Number(key >> 3n), wire = Number(key & 7n);
		if (wire === 0) {
			let v;
			[v, pos] = readVarint(buf, pos);
			if (field === 1) t.dims.push(Number(BigInt.asIntN(64, v)));
			else if (field === 2) t.dataType = Number(v);
		} else if (wire === 2) {
			let len;
			[len, pos] = readVarint(buf, pos);
			const body = buf.subarray(pos, pos + Number(len));
			pos += Number(len);
			if (field === 1) { // packed dims
				let p = 0;
				while (p < body.length) {
					let v;
					[v, p] = readVarint(body, p);
					t.dims.push(Number(BigInt.asIntN(64, v)));
				}
			} else if (field === 4) {
				for (let p = 0; p + 4 <= body.length; p += 4) t.floats.push(body.readFloatLE(p));
			} else if (field === 8) t.name = body.toString('utf8');
			else if (field === 9) t.raw = Buffer.from(body);
		} else if (wire === 5) {
			if (field === 4) t.floats.push(buf.readFloatLE(pos));
			pos += 4;
		} else if (wire === 1) pos += 8;
		else throw new Error(file + ': not a valid TensorProto');
	}
	if (t.dataType !== FLOAT) throw new Error(file + ': only float tensors are compared (data_type ' + t.dataType + ')');
	let data;
	if (t.raw) {
		data = new Float32Array(t.raw.length / 4);
		for (let i = 0; i < data.length; i++) data[i] = t.raw.readFloatLE(4 * i);
	} else data = Float32Array.from(t.floats);
	return { dims: t.dims, name: t.name, data };
}

function varint(v) {
	const out = [];
	v = BigInt.asUintN(64, BigInt(v));
	do {
		let b = Number(v & 0x7fn);
		v >>= 7n;
		if (v) b |= 0x80;
		out.push(b);
	} while (v);
	return Buffer.from(out);
}

function writeTensor(file, name, dims, dataType, data) {
	const parts = [];
	for (const d of dims) parts.push(Buffer.from([0x08]), varint(d));
	parts.push(Buffer.from([0x10]), varint(dataType));
	const nameBuf = Buffer.from(name, 'utf8');
	parts.push(Buffer.from([0x42]), varint(nameBuf.length), nameBuf);
	const raw = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
	parts.push(Buffer.from([0x4a]), varint(raw.length), raw);
	fs.writeFileSync(file + '.tmp', Buffer.concat(parts));
	fs.renameSync(file + '.tmp', file);
}

// ---- inputs
function mulberry32(seed) {
	return () => {
		seed = (seed + 0x6d2b79f5) | 0;
		let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
		t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

function makeInput(ort, meta, k, dir) {
	const file = path.join(dir, 'input_' + k + '.pb');
	const shape = meta.shape;
	if (!shape.every((d) => typeof d === 'number' && d >= 0))
		throw new Error('input ' + meta.name + ': dynamic shape ' + JSON.stringify(shape));
	const n = shape.reduce((a, b) => a * b, 1);
	if (fs.existsSync(file)) {
		const t = readTensor(file);
		return new ort.Tensor('float32', t.data, t.dims);
	}
	if (meta.type === 'float32') {
		const rnd = mulberry32(12345 + k), data = new Float32Array(n);
		for (let i = 0; i < n; i++) data[i] = rnd() * 2 - 1;
		writeTensor(file, meta.name, shape, FLOAT, data);
		return new ort.Tensor('float32', data, shape);
	}
	if (meta.type === 'int64') {
		const data = new BigInt64Array(n);
		writeTensor(file, meta.name, shape, INT64, data);
		return new ort.Tensor('int64', data, shape);
	}
	throw new Error('input ' + meta.name + ': type ' + meta.type + ' not supported by ort_bench.js');
}

function median(xs) {
	const s = [...xs].sort((a, b) => a - b), n = s.length;
	return n % 2 ? s[(n - 1) / 2] : 0.5 * (s[n / 2 - 1] + s[n / 2]);
}

async function run(args) {
	const model = args[0], dir = args[1];
	const opt = { threads: 1, iters: 0, budget: 10 };
	for (let i = 2; i < args.length; i += 2) {
		const k = args[i].replace(/^--/, ''), v = Number(args[i + 1]);
		if (!(k in opt) || !Number.isFinite(v)) throw new Error('bad option ' + args[i]);
		opt[k] = v;
	}
	const ort = require(process.env.ORT_NODE_MODULE || 'onnxruntime-node');
	fs.mkdirSync(dir, { recursive: true });
	const session = await ort.InferenceSession.create(model, {
		executionProviders: ['cpu'],
		graphOptimizationLevel: 'all',
		intraOpNumThreads: opt.threads,
		interOpNumThreads: 1,
		executionMode: 'sequential',
	});
	const feeds = {};
	session.inputMetadata.forEach((m, k) => { feeds[m.name] = makeInput(ort, m, k, dir); });
	const out = await session.run(feeds);
	session.outputNames.forEach((name, k) => {
		const t = out[name];
		if (t.type !== 'float32') return;
		writeTensor(path.join(dir, 'ref_' + k + '.pb'), name, t.dims, FLOAT, t.data);
	});
	if (opt.iters <= 0) return;
	const warm = Math.max(1, Math.min(10, Math.floor(opt.iters / 10)));
	for (let i = 0; i < warm; i++) await session.run(feeds);
	const ms = [];
	const start = process.hrtime.bigint();
	while (ms.length < opt.iters &&
	       (ms.length < 3 || Number(process.hrtime.bigint() - start) / 1e9 < opt.budget)) {
		const t = process.hrtime.bigint();
		await session.run(feeds);
		ms.push(Number(process.hrtime.bigint() - t) / 1e6);
	}
	console.log('median_ms: ' + median(ms).toFixed(4));
	console.log('min_ms: ' + Math.min(...ms).toFixed(4));
	console.log('iters: ' + ms.length);
}

function compare(args) {
	const ref = readTensor(args[0]), got = readTensor(args[1]);
	const rtol = args[2] ? Number(args[2]) : 1e-3;
	if (ref.dims.join(',') !== got.dims.join(',')) {
		console.log('WRONG shape [' + got.dims + '], expected [' + ref.dims + ']');
		return 1;
	}
	let maxRef = 0, maxErr = 0, at = -1;
	for (let i = 0; i < ref.data.length; i++) {
		maxRef = Math.max(maxRef, Math.abs(ref.data[i]));
		const e = Math.abs(got.data[i] - ref.data[i]);
		if (!(e <= maxErr)) { maxErr = Number.isNaN(e) ? Infinity : e; at = i; }
	}
	const msg = 'max_abs_err=' + maxErr.toExponential(3) + ' max_abs_ref=' + maxRef.toExponential(3);
	if (maxErr <= rtol * maxRef) {
		console.log('ok ' + msg);
		return 0;
	}
	console.log('WRONG ' + msg + ' (element ' + at + ': got ' + got.data[at] + ', expected ' + ref.data[at] + ')');
	return 1;
}

(async () => {
	const [cmd, ...args] = process.argv.slice(2);
	try {
		if (cmd === 'run' && args.length >= 2) await run(args);
		else if (cmd === 'compare' && args.length >= 2) process.exitCode = compare(args);
		else {
			console.error('usage: ort_bench.js run MODEL DIR [--threads T] [--iters N] [--budget S]\n' +
			              '       ort_bench.js compare REF.pb GOT.pb [RTOL]');
			process.exitCode = 2;
		}
	} catch (e) {
		console.error('ort_bench.js: error: ' + (e && e.message ? e.message : e));
		process.exitCode = 1;
	}
})();
