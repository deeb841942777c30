// parse_filename, SkuRules, SkuParse, KnownSkus, match and its report.
#include <pybind11/stl.h>

#include <optional>
#include <string>
#include <vector>

#include "bindings.hpp"
#include "imagebank/sku/filename.hpp"
#include "imagebank/sku/known_skus.hpp"
#include "imagebank/sku/match.hpp"

namespace imagebank::python {
namespace {

// A file name as name_of() reads it.
using FileNameArg =
    Typed<"str | bytes | os.PathLike[str] | os.PathLike[bytes]">;
// Known SKUs as known_of() reads them: a KnownSkus, anything with a skus()
// method (a Carteira; the Protocol is in python/imagebank/_types.py), or
// SKU strings.
using SkusArg = Typed<
    "KnownSkus | imagebank._types.SkuSource | "
    "collections.abc.Iterable[str | bytes]">;
using OptionalSkusArg = Typed<
    "KnownSkus | imagebank._types.SkuSource | "
    "collections.abc.Iterable[str | bytes] | None">;
// The to_dict() forms.
using Dict = py::typing::Dict<py::str, py::object>;

std::string type_name(const py::handle& obj) {
  return py::str(py::type::handle_of(obj).attr("__name__"));
}

// A file name as bytes: bytes as they are; str as UTF-8, with the lone
// surrogates os.listdir() makes of undecodable bytes turned back into those
// bytes (so Windows-1252 names from a Linux disk still parse); os.PathLike
// through os.fspath().
std::string name_of(const py::handle& obj) {
  if (py::isinstance<py::bytes>(obj)) return obj.cast<std::string>();
  if (py::isinstance<py::str>(obj)) {
    PyObject* raw =
        PyUnicode_AsEncodedString(obj.ptr(), "utf-8", "surrogateescape");
    if (raw == nullptr) {
      PyErr_Clear();
      check(invalid_argument_error(
          "file name holds characters that are not valid Unicode"));
    }
    return py::reinterpret_steal<py::bytes>(raw).cast<std::string>();
  }
  if (py::hasattr(obj, "__fspath__")) {
    return name_of(py::module_::import("os").attr("fspath")(obj));
  }
  check(
      invalid_argument_error("expected a file name (str, bytes or "
                             "os.PathLike), got " +
                             type_name(obj)));
  return {};
}

// SKU text: str as UTF-8, bytes as they are (UTF-8, else Windows-1252).
std::string sku_of(const py::handle& obj) {
  if (py::isinstance<py::str>(obj) || py::isinstance<py::bytes>(obj)) {
    return obj.cast<std::string>();
  }
  check(invalid_argument_error("expected a SKU as str or bytes, got " +
                               type_name(obj)));
  return {};
}

// None, a KnownSkus, any object with a skus() method (a Carteira), or an
// iterable of SKU strings.
std::optional<KnownSkus> known_of(const py::handle& obj) {
  if (obj.is_none()) return std::nullopt;
  if (py::isinstance<KnownSkus>(obj)) return obj.cast<KnownSkus>();
  py::object items = py::reinterpret_borrow<py::object>(obj);
  if (py::hasattr(obj, "skus") && PyCallable_Check(obj.attr("skus").ptr())) {
    items = obj.attr("skus")();
  }
  if (py::isinstance<py::str>(items) || py::isinstance<py::bytes>(items)) {
    // Iterating one string would make each character a SKU.
    check(invalid_argument_error(
        "known SKUs must be an iterable of strings, not a single string"));
  }
  if (!py::hasattr(items, "__iter__")) {
    check(invalid_argument_error(
        "expected known SKUs as an iterable of str, a KnownSkus or an "
        "object with a skus() method, got " +
        type_name(obj)));
  }
  std::vector<std::string> skus;
  for (const py::handle item : items) skus.push_back(sku_of(item));
  py::gil_scoped_release release;
  return KnownSkus(skus);
}

// SkuRules.view_words: view word -> view.
using ViewWords = py::typing::Dict<py::str, py::str>;

std::vector<SkuViewWord> view_words_of(const ViewWords& mapping) {
  std::vector<SkuViewWord> out;
  for (const auto& [word, view] : mapping) {
    out.push_back({word.cast<std::string>(), view.cast<std::string>()});
  }
  return out;
}

// The Python SkuRules: the rules and their compiled parser, rebuilt (and
// validated) whenever a field is set.
struct PyRules {
  SkuParser parser;

  template <typename Edit>
  void edit(Edit&& change) {
    SkuRules rules = parser.rules();
    change(rules);
    parser = unwrap(SkuParser::create(rules));
  }
};

const SkuParser& parser_of(const std::optional<PyRules>& rules) {
  static const SkuParser defaults;
  return rules ? rules->parser : defaults;
}

std::string quoted(const std::string& s) {
  return py::repr(py::str(s)).cast<std::string>();
}

Dict parse_dict(const SkuParse& p) {
  Dict d;
  d["sku_base"] = p.sku_base;
  d["sequence"] = p.sequence;
  d["view"] = p.view;
  d["confidence"] = p.confidence;
  d["reason"] = std::string(sku_reason_name(p.reason));
  d["from_folder"] = p.from_folder;
  return d;
}

// The imagebank.Error subclass instance for a failed status (not raised).
Typed<"imagebank.errors.Error | None"> error_object(const Status& status) {
  if (status.ok()) return py::none();
  const py::module_ errors = py::module_::import("imagebank.errors");
  py::object cls = errors.attr("Error");
  for (const py::handle c : errors.attr("__dict__").attr("values")()) {
    if (PyType_Check(c.ptr()) && py::hasattr(c, "code") &&
        py::str(c.attr("code")).cast<std::string>() ==
            code_name(status.code())) {
      cls = py::reinterpret_borrow<py::object>(c);
    }
  }
  return cls(status.message());
}

Dict photos_dict(const SkuPhotos& s) {
  Dict d;
  d["sku"] = s.sku;
  d["photos"] = s.photos;
  d["views"] = s.views;
  return d;
}

Dict file_dict(const MatchedFile& f) {
  Dict d;
  d["input"] = f.input;
  d["matched"] = f.matched();
  if (f.status.ok()) {
    d["parse"] = parse_dict(f.parse);
  } else {
    py::dict e;
    e["code"] = std::string(code_name(f.status.code()));
    e["message"] = f.status.message();
    d["error"] = e;
  }
  return d;
}

py::typing::List<py::str> photos_without_sku(const MatchReport& r) {
  py::typing::List<py::str> out;
  for (std::size_t i : r.photos_without_sku) out.append(r.files[i].input);
  return out;
}

// A SkuRules field as a Python property; setting it recompiles (and so
// validates) the rules.
template <typename T>
void rules_field(py::class_<PyRules>& cls, const char* name,
                 T SkuRules::*member, const char* doc) {
  cls.def_property(
      name, [member](const PyRules& r) { return r.parser.rules().*member; },
      [member](PyRules& r, T value) {
        r.edit([&](SkuRules& s) { s.*member = std::move(value); });
      },
      doc);
}

void init_rules(py::module_& m) {
  using Strings = std::optional<std::vector<std::string>>;
  py::class_<PyRules> cls(
      m, "SkuRules",
      "The filename grammar's rules; every field has the documented default "
      "and is validated when set (InvalidArgumentError). Lists are copies: "
      "assign a new list to change one.");
  cls.def(
      py::init(
          [](Strings extensions, Strings copy_suffixes, Strings copy_prefixes,
             const std::optional<ViewWords>& view_words,
             Strings camera_patterns, std::optional<std::string> separators,
             std::optional<int> max_sequence_digits,
             std::optional<std::size_t> max_name_bytes,
             std::optional<bool> folder_fallback) {
            SkuRules r;
            if (extensions) r.extensions = std::move(*extensions);
            if (copy_suffixes) r.copy_suffixes = std::move(*copy_suffixes);
            if (copy_prefixes) r.copy_prefixes = std::move(*copy_prefixes);
            if (view_words) r.view_words = view_words_of(*view_words);
            if (camera_patterns)
              r.camera_patterns = std::move(*camera_patterns);
            if (separators) r.separators = std::move(*separators);
            if (max_sequence_digits)
              r.max_sequence_digits = *max_sequence_digits;
            if (max_name_bytes) r.max_name_bytes = *max_name_bytes;
            if (folder_fallback) r.folder_fallback = *folder_fallback;
            return PyRules{unwrap(SkuParser::create(r))};
          }),
      py::kw_only(), py::arg("extensions") = py::none(),
      py::arg("copy_suffixes") = py::none(),
      py::arg("copy_prefixes") = py::none(), py::arg("view_words") = py::none(),
      py::arg("camera_patterns") = py::none(),
      py::arg("separators") = py::none(),
      py::arg("max_sequence_digits") = py::none(),
      py::arg("max_name_bytes") = py::none(),
      py::arg("folder_fallback") = py::none());
  rules_field(cls, "extensions", &SkuRules::extensions,
              "Image extensions stripped from the end, any case, repeated.");
  rules_field(cls, "copy_suffixes", &SkuRules::copy_suffixes,
              "Copy markers removed from the end (' - Cópia', ' copy', ...).");
  rules_field(cls, "copy_prefixes", &SkuRules::copy_prefixes,
              "Copy markers removed from the start ('Cópia de ', ...).");
  cls.def_property(
      "view_words",
      [](const PyRules& r) {
        ViewWords d;
        for (const SkuViewWord& w : r.parser.rules().view_words) {
          if (!d.contains(w.word)) d[py::str(w.word)] = w.view;
        }
        return d;
      },
      [](PyRules& r, const ViewWords& v) {
        auto words = view_words_of(v);
        r.edit([&](SkuRules& s) { s.view_words = std::move(words); });
      },
      "dict of view word -> normalised view ('FRENTE' -> 'front'); the "
      "first mapping of a word wins.");
  rules_field(cls, "camera_patterns", &SkuRules::camera_patterns,
              "Camera/app default names: '#' a digit, '?' a character, '*' "
              "any run; whole stem, any case.");
  rules_field(cls, "separators", &SkuRules::separators,
              "Token separators (ASCII).");
  rules_field(cls, "max_sequence_digits", &SkuRules::max_sequence_digits,
              "Longest digit run read as a sequence token (0..9).");
  rules_field(cls, "max_name_bytes", &SkuRules::max_name_bytes,
              "Longer names raise LimitExceededError.");
  rules_field(cls, "folder_fallback", &SkuRules::folder_fallback,
              "Read the parent folder when the name carries no SKU.");
  cls.def("__repr__", [](const PyRules& r) {
    const SkuRules& s = r.parser.rules();
    return "SkuRules(max_sequence_digits=" +
           std::to_string(s.max_sequence_digits) +
           ", separators=" + quoted(s.separators) +
           ", extensions=" + std::to_string(s.extensions.size()) +
           ", view_words=" + std::to_string(s.view_words.size()) +
           ", camera_patterns=" + std::to_string(s.camera_patterns.size()) +
           ", folder_fallback=" + (s.folder_fallback ? "True" : "False") + ")";
  });
}

}  // namespace

void init_sku(py::module_& m) {
  py::class_<SkuParse>(m, "SkuParse",
                       "What a file name says: SKU, sequence, view.")
      .def_readonly("sku_base", &SkuParse::sku_base,
                    "Upper case without accents ('' when none); as the known "
                    "SKU list writes it when reason is 'known_sku'.")
      .def_readonly("sequence", &SkuParse::sequence,
                    "Sequence and view tokens joined with '_' ('01', "
                    "'FRENTE', 'A_2'), or ''.")
      .def_readonly("view", &SkuParse::view,
                    "'front', 'back', 'side', 'detail', 'top', 'look', "
                    "'flat', 'inside', 'sole', 'pair' or ''.")
      .def_readonly("confidence", &SkuParse::confidence,
                    "1.0 known SKU; 0.8/0.6/0.5 grammar (halved without a "
                    "digit); 0 camera_default and no_sku.")
      .def_property_readonly(
          "reason",
          [](const SkuParse& p) {
            return std::string(sku_reason_name(p.reason));
          },
          "'grammar', 'known_sku', 'camera_default' or 'no_sku'.")
      .def_readonly("from_folder", &SkuParse::from_folder,
                    "sku_base came from the parent folder.")
      .def("to_dict", &parse_dict)
      .def("__eq__", eq_method<SkuParse>(), py::arg("other"))
      .def("__repr__", [](const SkuParse& p) {
        return "SkuParse(sku_base=" + quoted(p.sku_base) +
               ", sequence=" + quoted(p.sequence) + ", view=" + quoted(p.view) +
               ", confidence=" +
               py::repr(py::float_(p.confidence)).cast<std::string>() +
               ", reason='" + std::string(sku_reason_name(p.reason)) + "')";
      });

  init_rules(m);

  py::class_<KnownSkus>(
      m, "KnownSkus",
      "Known SKUs (a Carteira's), prebuilt for matching many names. Spellings "
      "equal once separators, case and accents are dropped are one SKU; the "
      "first is kept. Blank entries are skipped.")
      .def(py::init([](const SkusArg& skus) {
             if (skus.is_none()) {
               check(invalid_argument_error("KnownSkus(None): give SKUs"));
             }
             return *known_of(skus);
           }),
           py::arg("skus"),
           "skus: an iterable of str (or bytes), or an object with a skus() "
           "method.")
      .def("skus", &KnownSkus::skus, "The distinct SKUs, in input order.")
      .def("find", &KnownSkus::find, py::arg("sku"),
           "Index in skus() of the SKU spelled like sku, or None.")
      .def("__len__", &KnownSkus::size)
      .def("__contains__",
           [](const KnownSkus& k, const Typed<"builtins.object">& sku) {
             return py::isinstance<py::str>(sku) &&
                    k.find(sku.cast<std::string>()).has_value();
           })
      .def(
          "__iter__",
          [](const KnownSkus& k) {
            return py::make_iterator(k.skus().begin(), k.skus().end());
          },
          py::keep_alive<0, 1>())
      .def("__repr__", [](const KnownSkus& k) {
        return "KnownSkus(" + std::to_string(k.size()) + " SKUs)";
      });

  m.def(
      "parse_filename",
      [](const FileNameArg& path, const std::optional<PyRules>& rules,
         const OptionalSkusArg& known) {
        const std::optional<KnownSkus> skus = known_of(known);
        return unwrap(
            parser_of(rules).parse(name_of(path), skus ? &*skus : nullptr));
      },
      py::arg("path"), py::kw_only(), py::arg("rules") = py::none(),
      py::arg("known") = py::none(),
      "The SKU, sequence and view a photo's file name carries.\n\n"
      "path: str, bytes or os.PathLike (only the name and its folder are "
      "read; '/' and '\\\\' both separate). known: None, a KnownSkus, "
      "an iterable of str, or an object with a skus() method (build a "
      "KnownSkus once for many calls). Raises LimitExceededError for names "
      "longer than rules.max_name_bytes.");

  py::class_<SkuPhotos>(m, "SkuPhotos", "Photos found for one SKU.")
      .def_readonly("sku", &SkuPhotos::sku)
      .def_readonly("photos", &SkuPhotos::photos)
      .def_readonly("views", &SkuPhotos::views,
                    "Distinct views present, in the order of the view words.")
      .def("to_dict", &photos_dict)
      .def("__repr__", [](const SkuPhotos& s) {
        return "SkuPhotos(sku=" + quoted(s.sku) +
               ", photos=" + std::to_string(s.photos) + ")";
      });

  py::class_<MatchedFile>(m, "MatchedFile", "One file of a match().")
      .def_readonly("input", &MatchedFile::input,
                    "The name as given (bytes decoded as UTF-8 or "
                    "Windows-1252).")
      .def_readonly("parse", &MatchedFile::parse,
                    "The parse; empty when error is set.")
      .def_property_readonly("matched", &MatchedFile::matched)
      .def_property_readonly(
          "sku",
          [](const MatchedFile& f) -> std::optional<std::string> {
            if (!f.matched()) return std::nullopt;
            return f.parse.sku_base;
          },
          "The known SKU it belongs to, or None.")
      .def_property_readonly(
          "error", [](const MatchedFile& f) { return error_object(f.status); },
          "None, or the imagebank.Error (not raised) refusing the name.")
      .def("to_dict", &file_dict)
      .def("__repr__", [](const MatchedFile& f) {
        return "MatchedFile(input=" + quoted(f.input) +
               ", sku=" + (f.matched() ? quoted(f.parse.sku_base) : "None") +
               ")";
      });

  py::class_<MatchReport>(m, "MatchReport",
                          "Photos against the known SKUs: what is missing.")
      .def_property_readonly(
          "files",
          [](const MatchReport& r) -> const std::vector<MatchedFile>& {
            return r.files;
          },
          py::return_value_policy::reference_internal,
          "One MatchedFile per input, in input order.")
      .def_property_readonly(
          "skus",
          [](const MatchReport& r) -> const std::vector<SkuPhotos>& {
            return r.skus;
          },
          py::return_value_policy::reference_internal,
          "One SkuPhotos per known SKU, in the known order (photos may be 0).")
      .def_readonly("skus_without_photos", &MatchReport::skus_without_photos,
                    "Known SKUs with no photo, in the known order.")
      .def_property_readonly("photos_without_sku", &photos_without_sku,
                             "Inputs matched to no known SKU, in input "
                             "order.")
      .def_property_readonly(
          "unknown_skus",
          [](const MatchReport& r) -> const std::vector<SkuPhotos>& {
            return r.unknown_skus;
          },
          py::return_value_policy::reference_internal,
          "SKUs read from names but not known, in order of appearance.")
      .def("to_dict",
           [](const MatchReport& r) {
             Dict d;
             py::typing::List<Dict> files, skus, unknown;
             for (const MatchedFile& f : r.files) files.append(file_dict(f));
             for (const SkuPhotos& s : r.skus) skus.append(photos_dict(s));
             for (const SkuPhotos& s : r.unknown_skus) {
               unknown.append(photos_dict(s));
             }
             d["files"] = files;
             d["skus"] = skus;
             d["skus_without_photos"] = r.skus_without_photos;
             d["photos_without_sku"] = photos_without_sku(r);
             d["unknown_skus"] = unknown;
             return d;
           })
      .def("__repr__", [](const MatchReport& r) {
        return "MatchReport(files=" + std::to_string(r.files.size()) +
               ", matched=" +
               std::to_string(r.files.size() - r.photos_without_sku.size()) +
               ", skus_without_photos=" +
               std::to_string(r.skus_without_photos.size()) + ")";
      });

  m.def(
      "match",
      [](const py::typing::Iterable<FileNameArg>& filenames,
         const OptionalSkusArg& known, const std::optional<PyRules>& rules) {
        if (py::isinstance<py::str>(filenames) ||
            py::isinstance<py::bytes>(filenames)) {
          check(invalid_argument_error(
              "filenames must be an iterable of names, not a single name"));
        }
        std::vector<std::string> names;
        for (const py::handle f : filenames) names.push_back(name_of(f));
        std::optional<KnownSkus> skus = known_of(known);
        if (!skus) skus.emplace();
        const SkuParser& parser = parser_of(rules);
        py::gil_scoped_release release;
        return match(names, *skus, parser);
      },
      py::arg("filenames"), py::arg("known"), py::kw_only(),
      py::arg("rules") = py::none(),
      "Matches photo file names against the known SKUs: per file its parse "
      "and SKU, and the report (SKUs without photos, photos without SKU, per "
      "SKU the photo count and views).\n\nknown: a KnownSkus, an iterable of "
      "str, or any object with a skus() method (a Carteira). Names refused "
      "(too long) are reported, not raised.");
}

}  // namespace imagebank::python
