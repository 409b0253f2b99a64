//! Codes without a layer of their own get one from where they were printed:
//! the case ranks it (with less weight than a code's own layer), says why,
//! and hands it on as evidence (`Finding::layer_evidence`).

use m365doctor_codes::context::{HintBasis, Source};
use m365doctor_codes::{Lang, Layer};
use m365doctor_diagnose::{diagnose, Input, Options};
use m365doctor_kb::Kb;

/// A finding as these tests look at it: its code, the layer it is evidence
/// for with its weight, and where that layer came from.
type FindingView = (String, Option<(Layer, f64)>, Option<HintBasis>);

fn case_of(text: &str) -> (Vec<Layer>, Vec<FindingView>) {
    let kb = Kb::bundled();
    let case = diagnose(&[Input::new("pasted", text)], &kb, &Options::default());
    let layers = case.layers.iter().map(|(l, _)| *l).collect();
    let findings = case
        .findings
        .iter()
        .map(|f| {
            (
                f.interpretation.normalized.clone(),
                f.layer_evidence(),
                f.context.as_ref().map(|h| h.basis),
            )
        })
        .collect();
    (layers, findings)
}

#[test]
fn e_fail_from_the_broker_points_at_the_broker() {
    // Azure CLI through pymsalruntime (shape of Azure/azure-cli#30141).
    let text = "az login\nERROR: (pii). Status: Response_Status.Status_Unexpected, Error code: 2147500037, Tag: 508638823\n";
    let (layers, findings) = case_of(text);
    assert_eq!(layers.first(), Some(&Layer::WamBroker), "{findings:?}");
    let (code, evidence, basis) = &findings[0];
    assert_eq!(code, "0x80004005");
    assert_eq!(basis, &Some(HintBasis::Source));
    let (layer, weight) = evidence.unwrap();
    assert_eq!(layer, Layer::WamBroker);
    assert!(weight > 0.0 && weight < 0.5, "{weight}");
}

#[test]
fn the_same_code_without_a_program_gets_no_layer() {
    let (_, findings) = case_of("Error code: 2147500037\n");
    assert_eq!(findings[0].1, None);
    // The words alone ("error code") rank layers, but none surely: the
    // case asks instead.
    let kb = Kb::bundled();
    let case = diagnose(
        &[Input::new("pasted", "Error code: 2147500037\n")],
        &kb,
        &Options::default(),
    );
    assert!(
        case.layers.first().is_none_or(|l| l.1 < 0.8),
        "{:?}",
        case.layers
    );
    assert!(case.layers.is_empty() || !case.questions.is_empty());
}

#[test]
fn a_code_with_its_own_layer_keeps_its_full_weight() {
    let text = "[WamBroker] Could not sign in. Status: Unexpected\nError: 0xcaa70004\n";
    let kb = Kb::bundled();
    let case = diagnose(&[Input::new("pasted", text)], &kb, &Options::default());
    let f = &case.findings[0];
    assert_eq!(
        f.layer_evidence(),
        f.interpretation.layer.map(|l| (l, f.confidence))
    );
    assert_eq!(f.context.as_ref().map(|h| h.basis), Some(HintBasis::Code));
    // No `layer_context` in the JSON for a code's own layer.
    let doc = case.to_json(Lang::En);
    assert!(doc["findings"][0]["layer_context"].is_null());
}

#[test]
fn access_denied_in_gcm_store_is_the_credential_store_not_office_activation() {
    // GCM writing to Windows Credential Manager (shape of git-for-windows/git#2922).
    let text = "11:03:16.657215 ...sHostProvider.cs:125 trace: [StoreCredentialAsync] Storing credential\nfatal: Failed to write item to store. [0x80070005]\n";
    let kb = Kb::bundled();
    let case = diagnose(&[Input::new("pasted", text)], &kb, &Options::default());
    let f = &case.findings[0];
    assert_eq!(f.interpretation.normalized, "0x80070005");
    let hint = f.context.as_ref().unwrap();
    assert_eq!(hint.layer, Layer::CredentialStore);
    assert_eq!(hint.source, Some(Source::GcmStore));
    // Office activation's entry does not apply to Git's credential store.
    assert!(f.entry.is_none());
    assert_eq!(case.layers[0].0, Layer::CredentialStore);
    let doc = case.to_json(Lang::Ja);
    let ctx = &doc["findings"][0]["layer_context"];
    assert_eq!(ctx["layer"], "credential-store");
    assert_eq!(ctx["basis"], "meaning");
    assert_eq!(ctx["source"], "gcm-store");
    assert!(ctx["reason"].as_str().unwrap().contains("資格情報"));
}

#[test]
fn a_structural_layer_for_an_unnamed_network_error() {
    // WSAEHOSTUNREACH wrapped in an HRESULT: no name carries a network word.
    let (layers, findings) = case_of("Sign-in failed with hr=0x80072751\n");
    assert_eq!(layers.first(), Some(&Layer::Network), "{findings:?}");
    assert_eq!(findings[0].2, Some(HintBasis::Structure));
}

#[test]
fn codes_in_sentences_get_the_layer_of_their_structure_or_program() {
    // A code in a sentence that tells of a failure, no label before it.
    let (layers, findings) =
        case_of("If I start Excel as another user, sign in fails with 80070520 every time.\n");
    assert_eq!(findings[0].0, "0x80070520", "{findings:?}");
    assert_eq!(layers.first(), Some(&Layer::CredentialStore));
    // An HTTP status HRESULT: the network path, from its facility.
    let (layers, findings) =
        case_of("OneNote asks me to sign in again and then fails with 0x80190001.\n");
    // The words ("asks me to sign in again") point at the app and the
    // broker first; the code's structural layer is weaker evidence than a
    // code's own layer and stays among the suspects.
    assert!(
        layers[..3].contains(&Layer::Network),
        "{layers:?} {findings:?}"
    );
    assert_eq!(findings[0].2, Some(HintBasis::Structure));
    // ERROR_NO_SUCH_DOMAIN has no layer; dsregcmd printed it.
    let (layers, findings) = case_of(
        "dsregcmd /join /debug says the device can NOT be joined because a domain controller could not be located (0x8007054b, isDcAvailable: NO)\n",
    );
    assert_eq!(
        layers.first(),
        Some(&Layer::DeviceRegistration),
        "{findings:?}"
    );
    assert_eq!(findings[0].2, Some(HintBasis::Source));
    // Software Licensing's names say activation.
    // (With no entry of its own, the code's layer is one piece of evidence
    // beside the words; the generic "error code" keeps it from the top.)
    let (layers, findings) = case_of("ospp.vbs /act -> ERROR CODE: 0xC004F074\n");
    assert_eq!(findings[0].1.map(|(l, _)| l), Some(Layer::Licensing));
    assert!(layers[..3].contains(&Layer::Licensing), "{layers:?}");
}
