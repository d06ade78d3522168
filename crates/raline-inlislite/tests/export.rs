//! The import file and photo ZIP, read back with calamine and the zip crate.

use std::collections::BTreeSet;
use std::io::{Cursor, Read};

use calamine::{Data, Reader, Xlsx};
use raline_domain::{Address, Guardian, Sex};
use raline_inlislite::export::{ExportError, FixedNames, SHEET_NAME, write_photo_zip, write_xlsx};
use raline_inlislite::layout::HEADERS;
use raline_inlislite::{Category, LookupRow, Mapping, MappingGap, MemberSnapshot};
use time::macros::date;
use zip::{CompressionMethod, ZipArchive};

const ADULT_NIK: &str = "3576014403910003";

fn address(street: &str, rt: &str, rw: &str, village: &str, district: &str) -> Address {
    Address {
        street: street.to_owned(),
        rt: rt.to_owned(),
        rw: rw.to_owned(),
        village: village.to_owned(),
        village_code: None,
        district: district.to_owned(),
        regency: "Kota Mojokerto".to_owned(),
        regency_code: None,
        province: "Jawa Timur".to_owned(),
    }
}

/// Stand-in JPEG bytes: a JPEG start and end marker around `size` bytes derived from `seed`.
fn fake_jpeg(seed: u8, size: usize) -> Vec<u8> {
    let mut bytes = vec![0xFF, 0xD8, 0xFF, 0xE0];
    bytes.extend((0..size).map(|i| (i as u8).wrapping_mul(31).wrapping_add(seed)));
    bytes.extend([0xFF, 0xD9]);
    bytes
}

/// Builds an adult with a KTP who lives at the card's address.
fn adult() -> MemberSnapshot {
    let home = address(
        "Jl. Majapahit No. 12",
        "005",
        "002",
        "Gedongan",
        "Magersari",
    );
    MemberSnapshot {
        member_id: 11,
        member_number: "26120400001".to_owned(),
        full_name: "Siti Nur'aini".to_owned(),
        birth_place: "Mojokerto".to_owned(),
        birth_date: date!(1991 - 03 - 04),
        sex: Sex::Female,
        identity_type: "ktp".to_owned(),
        identity_number: Some(ADULT_NIK.to_owned()),
        mother_maiden_name: "Aminah".to_owned(),
        email: "siti@example.org".to_owned(),
        phone: "081234567890".to_owned(),
        religion: Some("Islam".to_owned()),
        marital_status: Some("kawin".to_owned()),
        occupation: "Guru".to_owned(),
        education: "S1".to_owned(),
        member_type: "umum".to_owned(),
        id_address: home.clone(),
        current_address: home,
        guardian: None,
        registered_on: date!(2026 - 12 - 04),
        valid_until: date!(2027 - 12 - 04),
        renewals: Vec::new(),
        photo_jpeg: Some(fake_jpeg(1, 40_000)),
    }
}

/// Builds a child registered with the father's KTP, so without an identity number of their
/// own.
fn child() -> MemberSnapshot {
    let home = address(
        "Jl. Benteng Pancasila 7",
        "001",
        "004",
        "Balongsari",
        "Magersari",
    );
    MemberSnapshot {
        member_id: 12,
        member_number: "26120400002".to_owned(),
        full_name: "Rafi Santoso".to_owned(),
        birth_place: "Surabaya".to_owned(),
        birth_date: date!(2015 - 07 - 09),
        sex: Sex::Male,
        identity_type: "ktp".to_owned(),
        identity_number: None,
        mother_maiden_name: "Dewi Lestari".to_owned(),
        email: "budi.santoso@example.org".to_owned(),
        phone: "085600011122".to_owned(),
        religion: None,
        marital_status: Some("belum_kawin".to_owned()),
        occupation: "Pelajar".to_owned(),
        education: "SD".to_owned(),
        member_type: "pelajar".to_owned(),
        id_address: home.clone(),
        current_address: home,
        guardian: Some(Guardian {
            name: "Budi Santoso".to_owned(),
            relationship: "ayah".to_owned(),
            identity_number: "3576010101800001".to_owned(),
        }),
        registered_on: date!(2026 - 12 - 05),
        valid_until: date!(2027 - 12 - 05),
        renewals: Vec::new(),
        photo_jpeg: Some(fake_jpeg(2, 25_000)),
    }
}

/// Builds an adult without a photo who lives away from the card's address.
fn without_photo() -> MemberSnapshot {
    MemberSnapshot {
        member_id: 13,
        member_number: "26120600001".to_owned(),
        full_name: "Made Wirawan".to_owned(),
        birth_place: "Denpasar".to_owned(),
        birth_date: date!(1988 - 11 - 30),
        sex: Sex::Male,
        identity_type: "ktp".to_owned(),
        identity_number: Some("5171013011880002".to_owned()),
        mother_maiden_name: "Ni Ketut Sari".to_owned(),
        email: "made@example.org".to_owned(),
        phone: "087700123456".to_owned(),
        religion: Some("Hindu".to_owned()),
        marital_status: None,
        occupation: "Wiraswasta".to_owned(),
        education: "SMA/SMK".to_owned(),
        member_type: "umum".to_owned(),
        id_address: Address {
            regency: "Kota Denpasar".to_owned(),
            province: "Bali".to_owned(),
            ..address(
                "Jl. Gatot Subroto 3",
                "010",
                "003",
                "Dauh Puri",
                "Denpasar Barat",
            )
        },
        current_address: address(
            "Jl. Empunala 40",
            "003",
            "006",
            "Kranggan",
            "Prajurit Kulon",
        ),
        guardian: None,
        registered_on: date!(2026 - 12 - 06),
        valid_until: date!(2027 - 12 - 06),
        renewals: Vec::new(),
        photo_jpeg: None,
    }
}

fn members() -> Vec<MemberSnapshot> {
    vec![adult(), child(), without_photo()]
}

/// Builds a mapping whose names differ from RALINE's values, so a cell shows which was used.
fn mapping() -> Mapping {
    let rows = [
        (Category::IdentityType, "ktp", 1, "KTP"),
        (Category::MemberType, "umum", 4, "Umum"),
        (Category::MemberType, "pelajar", 5, "Pelajar / Siswa"),
        (Category::Occupation, "Guru", 7, "GURU"),
        (Category::Occupation, "Pelajar", 8, "PELAJAR"),
        (Category::Occupation, "Wiraswasta", 9, "WIRASWASTA"),
        (Category::Education, "S1", 20, "Sarjana (S1)"),
        (Category::Education, "SD", 21, "Sekolah Dasar"),
        (Category::Education, "SMA/SMK", 22, "SLTA"),
        (Category::Religion, "Islam", 1, "ISLAM"),
        (Category::Religion, "Hindu", 4, "HINDU"),
        (Category::MaritalStatus, "kawin", 2, "Kawin"),
        (Category::MaritalStatus, "belum_kawin", 1, "Belum Kawin"),
    ];
    let mut mapping = Mapping::default();
    for (category, value, id, name) in rows {
        mapping.insert(
            category,
            value,
            LookupRow {
                id,
                name: name.to_owned(),
            },
        );
    }
    mapping
}

fn export(members: &[MemberSnapshot]) -> Vec<u8> {
    write_xlsx(members, &mapping(), &FixedNames::default()).expect("export succeeds")
}

/// Reads all rows of `Sheet1`, header first.
fn read_rows(xlsx: Vec<u8>) -> Vec<Vec<Data>> {
    let mut workbook = Xlsx::new(Cursor::new(xlsx)).expect("valid XLSX");
    let range = workbook.worksheet_range(SHEET_NAME).expect("Sheet1 exists");
    assert_eq!(range.start(), Some((0, 0)), "the sheet starts at A1");
    range.rows().map(<[Data]>::to_vec).collect()
}

/// Returns the text of the cell under `header`, or "" for an empty cell.
fn text<'a>(row: &'a [Data], header: &str) -> &'a str {
    let column = HEADERS
        .iter()
        .position(|candidate| *candidate == header)
        .unwrap_or_else(|| panic!("no column {header}"));
    match &row[column] {
        Data::String(value) => value,
        Data::Empty => "",
        other => panic!("{header} is not a text cell: {other:?}"),
    }
}

fn is_dd_mm_yyyy(value: &str) -> bool {
    let bytes = value.as_bytes();
    bytes.len() == 10
        && bytes[2] == b'-'
        && bytes[5] == b'-'
        && bytes
            .iter()
            .enumerate()
            .all(|(i, byte)| i == 2 || i == 5 || byte.is_ascii_digit())
}

#[test]
fn xlsx_has_sheet1_and_headers() {
    let xlsx = export(&members());
    let workbook = Xlsx::new(Cursor::new(xlsx.clone())).unwrap();
    assert_eq!(workbook.sheet_names(), vec!["Sheet1".to_owned()]);

    let rows = read_rows(xlsx);
    let header: Vec<&str> = rows[0]
        .iter()
        .map(|cell| match cell {
            Data::String(value) => value.as_str(),
            other => panic!("header cell is not text: {other:?}"),
        })
        .collect();
    assert_eq!(header.len(), 49);
    assert_eq!(header, HEADERS);
    assert_eq!(header[0], "NO");
    assert_eq!(header[11], "KABUPATEN / KOTA SESUAI KTP");
    assert_eq!(header[19], "NO. HP");
    assert_eq!(header[38], "NAMA (KEADAAN DARURAT)");
    assert_eq!(header[48], "PHOTO URL");
}

#[test]
fn xlsx_has_numbered_row_per_member() {
    let rows = read_rows(export(&members()));
    assert_eq!(rows.len(), 4);
    for (index, row) in rows[1..].iter().enumerate() {
        assert_eq!(row.len(), 49);
        assert_eq!(text(row, "NO"), (index + 1).to_string());
    }
    assert_eq!(text(&rows[1], "NO ANGGOTA"), "26120400001");
    assert_eq!(text(&rows[2], "NO ANGGOTA"), "26120400002");
    assert_eq!(text(&rows[3], "NO ANGGOTA"), "26120600001");
}

#[test]
fn xlsx_cells_are_never_numbers() {
    let rows = read_rows(export(&members()));
    for (row_index, row) in rows.iter().enumerate() {
        for (column, cell) in row.iter().enumerate() {
            assert!(
                matches!(cell, Data::String(_) | Data::Empty),
                "row {row_index} column {} is {cell:?}",
                HEADERS[column]
            );
        }
    }
}

#[test]
fn xlsx_dates_are_dd_mm_yyyy_text() {
    let rows = read_rows(export(&members()));
    let date_columns = [
        "TANGGAL LAHIR",
        "TANGGAL PENDAFTARAN",
        "TANGGAL AKHIR BERLAKU",
    ];
    for row in &rows[1..] {
        for header in date_columns {
            let value = text(row, header);
            assert!(is_dd_mm_yyyy(value), "{header} is {value:?}");
        }
    }
    let adult = &rows[1];
    assert_eq!(text(adult, "TANGGAL LAHIR"), "04-03-1991");
    assert_eq!(text(adult, "TANGGAL PENDAFTARAN"), "04-12-2026");
    assert_eq!(text(adult, "TANGGAL AKHIR BERLAKU"), "04-12-2027");
}

#[test]
fn xlsx_keeps_digit_strings() {
    let rows = read_rows(export(&members()));
    let adult = &rows[1];
    assert_eq!(text(adult, "NO. IDENTITAS"), ADULT_NIK);
    assert_eq!(text(adult, "NO. HP"), "081234567890");
    assert_eq!(text(adult, "NO. TELP RUMAH"), "");
    assert_eq!(text(adult, "RT SESUAI KTP"), "005");
    assert_eq!(text(adult, "RW SESUAI KTP"), "002");
}

#[test]
fn xlsx_name_in_capitals() {
    let rows = read_rows(export(&members()));
    assert_eq!(text(&rows[1], "NAMA"), "SITI NUR'AINI");
    assert_eq!(text(&rows[1], "IBU KANDUNG"), "Aminah");
    assert_eq!(text(&rows[1], "TEMPAT LAHIR"), "Mojokerto");
    assert_eq!(text(&rows[1], "ALAMAT EMAIL"), "siti@example.org");
}

#[test]
fn xlsx_lookup_cells_use_mapped_names() {
    let rows = read_rows(export(&members()));
    let adult = &rows[1];
    assert_eq!(text(adult, "JENIS IDENTITAS"), "KTP");
    assert_eq!(text(adult, "JENIS KELAMIN"), "Perempuan");
    assert_eq!(text(adult, "AGAMA"), "ISLAM");
    assert_eq!(text(adult, "PEKERJAAN"), "GURU");
    assert_eq!(text(adult, "JENIS ANGGOTA"), "Umum");
    assert_eq!(text(adult, "PENDIDIKAN TERAKHIR"), "Sarjana (S1)");
    assert_eq!(text(adult, "STATUS PERKAWINAN"), "Kawin");
    assert_eq!(text(adult, "JENIS PERMOHONAN"), "Baru");
    assert_eq!(text(adult, "STATUS ANGGOTA"), "Aktif");

    let child = &rows[2];
    assert_eq!(text(child, "JENIS KELAMIN"), "Laki-laki");
    assert_eq!(text(child, "AGAMA"), "", "no religion, no lookup name");
    assert_eq!(text(child, "JENIS ANGGOTA"), "Pelajar / Siswa");
    assert_eq!(text(child, "STATUS PERKAWINAN"), "Belum Kawin");

    let without_photo = &rows[3];
    assert_eq!(text(without_photo, "STATUS PERKAWINAN"), "");
    assert_eq!(text(without_photo, "PENDIDIKAN TERAKHIR"), "SLTA");
}

#[test]
fn xlsx_fixed_names_can_be_overridden() {
    let names = FixedNames {
        male: "LAKI-LAKI".to_owned(),
        female: "PEREMPUAN".to_owned(),
        new_application: "Pendaftaran Baru".to_owned(),
        active_status: "AKTIF".to_owned(),
    };
    let xlsx = write_xlsx(&members(), &mapping(), &names).unwrap();
    let rows = read_rows(xlsx);
    assert_eq!(text(&rows[1], "JENIS KELAMIN"), "PEREMPUAN");
    assert_eq!(text(&rows[2], "JENIS KELAMIN"), "LAKI-LAKI");
    assert_eq!(text(&rows[1], "JENIS PERMOHONAN"), "Pendaftaran Baru");
    assert_eq!(text(&rows[1], "STATUS ANGGOTA"), "AKTIF");
}

#[test]
fn xlsx_addresses_from_snapshot() {
    let rows = read_rows(export(&members()));
    let adult = &rows[1];
    assert_eq!(text(adult, "ALAMAT SESUAI KTP"), "Jl. Majapahit No. 12");
    assert_eq!(
        text(adult, "ALAMAT TEMPAT TINGGAL SEKARANG"),
        "Jl. Majapahit No. 12"
    );
    assert_eq!(text(adult, "RT SEKARANG"), "005");

    let moved = &rows[3];
    assert_eq!(text(moved, "ALAMAT SESUAI KTP"), "Jl. Gatot Subroto 3");
    assert_eq!(text(moved, "KECAMATAN SESUAI KTP"), "Denpasar Barat");
    assert_eq!(text(moved, "KELURAHAN SESUAI KTP"), "Dauh Puri");
    assert_eq!(text(moved, "RT SESUAI KTP"), "010");
    assert_eq!(text(moved, "RW SESUAI KTP"), "003");
    assert_eq!(text(moved, "PROPINSI SESUAI KTP"), "Bali");
    assert_eq!(text(moved, "KABUPATEN / KOTA SESUAI KTP"), "Kota Denpasar");
    assert_eq!(
        text(moved, "ALAMAT TEMPAT TINGGAL SEKARANG"),
        "Jl. Empunala 40"
    );
    assert_eq!(text(moved, "KECAMATAN SEKARANG"), "Prajurit Kulon");
    assert_eq!(text(moved, "KELURAHAN SEKARANG"), "Kranggan");
    assert_eq!(text(moved, "RT SEKARANG"), "003");
    assert_eq!(text(moved, "RW SEKARANG"), "006");
    assert_eq!(text(moved, "PROPINSI SEKARANG"), "Jawa Timur");
    assert_eq!(text(moved, "KABUPATEN / KOTA SEKARANG"), "Kota Mojokerto");
}

#[test]
fn xlsx_child_has_guardian_contact() {
    let rows = read_rows(export(&members()));
    let child = &rows[2];
    assert_eq!(text(child, "NO. IDENTITAS"), "");
    assert_eq!(text(child, "JENIS IDENTITAS"), "KTP");
    assert_eq!(text(child, "NAMA (KEADAAN DARURAT)"), "Budi Santoso");
    assert_eq!(text(child, "STATUS HUBUNGAN (DARURAT)"), "Ayah");
    assert_eq!(
        text(child, "ALAMAT (KEADAAN DARURAT)"),
        "Jl. Benteng Pancasila 7, RT 001/RW 004, Balongsari, Magersari, Kota Mojokerto, Jawa Timur"
    );
    assert_eq!(text(child, "NO TELP (KEADAAN DARURAT)"), "");

    let adult = &rows[1];
    assert_eq!(text(adult, "NAMA (KEADAAN DARURAT)"), "");
    assert_eq!(text(adult, "ALAMAT (KEADAAN DARURAT)"), "");
    assert_eq!(text(adult, "STATUS HUBUNGAN (DARURAT)"), "");
}

#[test]
fn xlsx_study_columns_empty() {
    let rows = read_rows(export(&members()));
    let empty_columns = [
        "NAMA INSTITUSI",
        "ALAMAT INSTITUSI",
        "NO TELP INSTITUSI",
        "UNIT KERJA",
        "TAHUN AJARAN",
        "FAKULTAS",
        "JURUSAN",
        "PROGRAM STUDI",
        "KELAS SISWA",
    ];
    for row in &rows[1..] {
        for header in empty_columns {
            assert_eq!(text(row, header), "", "{header}");
        }
    }
}

#[test]
fn xlsx_photo_url_only_with_photo() {
    let rows = read_rows(export(&members()));
    assert_eq!(text(&rows[1], "PHOTO URL"), "26120400001.jpg");
    assert_eq!(text(&rows[2], "PHOTO URL"), "26120400002.jpg");
    assert_eq!(text(&rows[3], "PHOTO URL"), "");
}

#[test]
fn xlsx_without_members_has_header_only() {
    let rows = read_rows(export(&[]));
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].len(), 49);
}

#[test]
fn missing_mappings_list_all_gaps() {
    let mut first = adult();
    first.occupation = "Buruh".to_owned();
    let mut second = without_photo();
    second.occupation = "Buruh".to_owned();
    second.religion = Some("Konghucu".to_owned());
    let third = child();

    let error = write_xlsx(&[first, third, second], &mapping(), &FixedNames::default())
        .expect_err("unmapped values must stop the export");
    let ExportError::MissingMappings(gaps) = &error else {
        panic!("expected MissingMappings, got {error:?}");
    };
    assert_eq!(
        gaps,
        &vec![
            MappingGap {
                category: Category::Occupation,
                value: "Buruh".to_owned(),
            },
            MappingGap {
                category: Category::Religion,
                value: "Konghucu".to_owned(),
            },
        ]
    );
    let message = error.to_string();
    assert!(message.contains("occupation \"Buruh\""), "{message}");
    assert!(message.contains("religion \"Konghucu\""), "{message}");
}

#[test]
fn missing_required_mapping_with_empty_mapping() {
    let error = write_xlsx(&[child()], &Mapping::default(), &FixedNames::default())
        .expect_err("an empty mapping must stop the export");
    let ExportError::MissingMappings(gaps) = error else {
        panic!("expected MissingMappings, got {error:?}");
    };
    let categories: BTreeSet<Category> = gaps.iter().map(|gap| gap.category).collect();
    let expected: BTreeSet<Category> = [
        Category::IdentityType,
        Category::MemberType,
        Category::Occupation,
        Category::Education,
        Category::MaritalStatus,
    ]
    .into_iter()
    .collect();
    assert_eq!(
        categories, expected,
        "religion is absent, so it needs no row"
    );
}

/// Reads the archive's entries: name, bytes and compression method.
fn read_zip(bytes: Vec<u8>) -> Vec<(String, Vec<u8>, CompressionMethod)> {
    let mut archive = ZipArchive::new(Cursor::new(bytes)).expect("valid ZIP");
    let mut entries = Vec::new();
    for index in 0..archive.len() {
        let mut file = archive.by_index(index).unwrap();
        let mut content = Vec::new();
        file.read_to_end(&mut content).unwrap();
        entries.push((file.name().to_owned(), content, file.compression()));
    }
    entries
}

#[test]
fn zip_holds_photo_url_files() {
    let members = members();
    let rows = read_rows(export(&members));
    let photo_urls: BTreeSet<String> = rows[1..]
        .iter()
        .map(|row| text(row, "PHOTO URL").to_owned())
        .filter(|url| !url.is_empty())
        .collect();

    let entries = read_zip(write_photo_zip(&members).unwrap());
    let names: BTreeSet<String> = entries.iter().map(|(name, ..)| name.clone()).collect();
    assert_eq!(entries.len(), 2);
    assert_eq!(names, photo_urls);

    for (name, content, compression) in &entries {
        assert!(!name.contains('/'), "{name} is in a folder");
        assert_eq!(*compression, CompressionMethod::Stored, "{name}");
        let owner = members
            .iter()
            .find(|member| format!("{}.jpg", member.member_number) == *name)
            .unwrap_or_else(|| panic!("no member for {name}"));
        assert_eq!(Some(content), owner.photo_jpeg.as_ref(), "{name}");
    }
}

#[test]
fn zip_is_reproducible() {
    let first = write_photo_zip(&members()).unwrap();
    let second = write_photo_zip(&members()).unwrap();
    assert_eq!(first, second);

    let mut archive = ZipArchive::new(Cursor::new(first)).unwrap();
    let file = archive.by_index(0).unwrap();
    let modified = file.last_modified().expect("timestamp stored");
    assert_eq!(
        (modified.year(), modified.month(), modified.day()),
        (1980, 1, 1)
    );
}

#[test]
fn zip_without_photos_is_empty() {
    let entries = read_zip(write_photo_zip(&[without_photo()]).unwrap());
    assert!(entries.is_empty());
}

#[test]
fn clashing_photo_names_rejected() {
    let mut first = adult();
    first.member_number = "AB/12".to_owned();
    let mut second = child();
    second.member_number = "AB 12".to_owned();
    let members = [first, second];

    let error = write_photo_zip(&members).expect_err("two members, one file name");
    let ExportError::DuplicatePhotoName {
        file_name,
        first,
        second,
    } = &error
    else {
        panic!("expected DuplicatePhotoName, got {error:?}");
    };
    assert_eq!(file_name, "AB_12.jpg");
    assert_eq!(first, "AB/12");
    assert_eq!(second, "AB 12");

    let xlsx_error = write_xlsx(&members, &mapping(), &FixedNames::default())
        .expect_err("the XLSX would point two rows at one photo");
    assert!(
        matches!(xlsx_error, ExportError::DuplicatePhotoName { .. }),
        "{xlsx_error:?}"
    );
}

#[test]
fn texts_outside_latin1_are_named() {
    assert!(adult().fields_outside_latin1().is_empty());

    let mut member = adult();
    member.mother_maiden_name = "Lê Thị Contoh".to_owned();
    member.current_address.street = "Jl. 李 No. 1".to_owned();
    assert_eq!(
        member.fields_outside_latin1(),
        vec!["mother_maiden_name", "current_address"]
    );
}
