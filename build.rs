//! Regenerates `generated/` from `spec/` whenever a spec file changes.
//!
//! Cargo reruns this script only when something under `spec/` changes (files added
//! too: cargo scans the directory) or the generator itself changes. The generator
//! writes a file only when its content differs, so a build with an up-to-date
//! `generated/` (a published crate, a CI checkout) never modifies the source tree.

use std::path::Path;

fn main() {
    let spec = Path::new("spec");
    println!("cargo:rerun-if-changed=spec");
    println!("cargo:rerun-if-changed=build.rs");
    if !spec.is_dir() {
        // A packaged crate without its spec: use generated/ as it is.
        return;
    }
    let generated =
        match rebilly_sdk_gen::generate(spec, &rebilly_sdk_gen::Filter::default(), "spec") {
            Ok(g) => g,
            Err(e) => {
                eprintln!("error: {e}");
                panic!("cannot generate the SDK from spec/: {e}");
            }
        };
    for w in &generated.warnings {
        println!("cargo:warning={w}");
    }
    if let Err(e) = rebilly_sdk_gen::write::write_files(Path::new("generated"), &generated.files) {
        panic!("cannot write generated/: {e}");
    }
}
