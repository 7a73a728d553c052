//! Regenerates `generated/` from `spec/` whenever a spec file changes (see
//! `rebilly_sdk_gen::build_script`).

fn main() {
    rebilly_sdk_gen::build_script();
}
