//! `generated/` is exactly what `spec/` produces, and our spec describes the same Rust API
//! as Rebilly's upstream definitions restricted to the Customer authentication tag.

use std::path::{Path, PathBuf};

use rebilly_sdk_gen::model::{Api, TypeKind};
use rebilly_sdk_gen::{generate, write, Filter};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

#[test]
fn generated_dir_is_fresh() {
    let g = generate(&repo().join("spec"), &Filter::default(), "spec").unwrap();
    let tmp = tempfile::tempdir().unwrap();
    write::write_files(tmp.path(), &g.files).unwrap();
    for f in &g.files {
        let committed = std::fs::read_to_string(repo().join("generated").join(&f.path))
            .unwrap_or_else(|e| panic!("generated/{}: {e}", f.path));
        let fresh = std::fs::read_to_string(tmp.path().join(&f.path)).unwrap();
        assert!(
            committed == fresh,
            "generated/{} is stale: run `cargo run -p rebilly-sdk-gen -- generate`",
            f.path
        );
    }
    let drift = write::check_files(&repo().join("generated"), &g.files);
    assert!(drift.is_empty(), "{drift:?}");
}

/// The model with everything that is documentation (or provenance) blanked out.
fn public_api(mut api: Api) -> Api {
    api.title.clear();
    api.description = None;
    api.servers.iter_mut().for_each(|s| s.description = None);
    for def in api.types.values_mut() {
        def.doc = None;
        def.origin = rebilly_sdk_gen::Location {
            file: PathBuf::new(),
            pointer: String::new(),
            line: None,
        };
        if let TypeKind::Struct { fields, .. } = &mut def.kind {
            fields.iter_mut().for_each(|f| f.doc = None);
        }
    }
    for r in api.resources.values_mut() {
        r.doc = None;
        for op in &mut r.operations {
            op.summary = None;
            op.description = None;
            op.params.iter_mut().for_each(|p| p.doc = None);
            if let Some(b) = &mut op.body {
                b.doc = None;
            }
            op.responses.iter_mut().for_each(|r| r.doc = None);
            op.errors.iter_mut().for_each(|e| e.doc = None);
        }
    }
    api
}

#[test]
fn our_spec_matches_upstream_for_customer_authentication() {
    let upstream = repo().join("../shared/rebilly-api-definitions/openapi/openapi.yaml");
    assert!(
        upstream.is_file(),
        "the upstream snapshot must be at {}",
        upstream.display()
    );
    let filter = Filter {
        tags: vec!["Customer authentication".into()],
        ..Filter::default()
    };
    let theirs = generate(&upstream, &filter, "upstream").unwrap();
    let ours = generate(&repo().join("spec"), &Filter::default(), "spec").unwrap();
    assert_eq!(theirs.api.operation_count(), 16);
    let (theirs, ours) = (public_api(theirs.api), public_api(ours.api));
    assert_eq!(
        theirs.types.keys().collect::<Vec<_>>(),
        ours.types.keys().collect::<Vec<_>>()
    );
    for (name, def) in &ours.types {
        assert_eq!(&theirs.types[name], def, "type {name}");
    }
    assert_eq!(theirs.resources, ours.resources);
    assert_eq!(theirs.servers, ours.servers);
}
