#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| postel_core::fuzzing::oauth(data));
