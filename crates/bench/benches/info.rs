//! Info-header codec: building a 10-block header (10 × `add` + `to_bytes`, what a
//! `MprInfoBlockAdd` sequence costs) and parsing one (what every blob handed to the
//! configuration costs through `validate`). Floor: copying the same bytes.

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use mprconfig_core::info::{InfoHeader, locate};

/// Ten blocks shaped like real router data: route table, status, discovery, filters...
const BLOCKS: [(u32, u32, u32); 10] = [
    (0xFFFF_0005, 72, 4),
    (0xFFFF_0004, 4, 1),
    (0xFFFF_0007, 16, 1),
    (0xFFFF_0001, 40, 1),
    (0xFFFF_0002, 68, 1),
    (0xFFFF_000D, 4, 1),
    (0xFFFF_000A, 140, 1),
    (0xFFFF_0003, 8, 1),
    (0xFFFF_0006, 52, 1),
    (0xFFFF_0015, 4, 0),
];

fn payloads() -> Vec<Vec<u8>> {
    BLOCKS
        .iter()
        .map(|&(t, size, count)| vec![t as u8; (size * count) as usize])
        .collect()
}

fn build(payloads: &[Vec<u8>]) -> Vec<u8> {
    let mut h = InfoHeader::new(1).expect("version 1");
    for (&(t, size, count), data) in BLOCKS.iter().zip(payloads) {
        h.add(t, size, count, data).expect("valid block");
    }
    h.to_bytes()
}

fn info_header(c: &mut Criterion) {
    let payloads = payloads();
    let bytes = build(&payloads);
    let mut g = c.benchmark_group("info_header_10_blocks");
    g.throughput(Throughput::Bytes(bytes.len() as u64));
    g.bench_function("build_add_x10_to_bytes", |b| {
        b.iter(|| build(black_box(&payloads)))
    });
    g.bench_function("parse", |b| {
        b.iter(|| InfoHeader::parse(black_box(&bytes)).expect("well-formed"))
    });
    g.bench_function("locate_last", |b| {
        b.iter(|| locate(black_box(&bytes), black_box(0xFFFF_0015)).expect("present"))
    });
    g.bench_function("floor_copy_bytes", |b| {
        b.iter(|| black_box(&bytes).to_vec())
    });
    g.finish();
}

criterion_group!(benches, info_header);
criterion_main!(benches);
