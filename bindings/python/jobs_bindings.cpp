// The ingest queue, imagebank.JobQueue: its row types (Batch, Job, JobInsert,
// LeaseOptions, JobOutcome, JobCounts, NearDuplicate, ImageHashRow), and its
// batch, job and lease methods; also the CatalogStore queries that read
// those rows. The states are job_states.cpp's. Registered after
// init_catalog (it adds methods to its JobQueue and CatalogStore classes).
// Every call to a store releases the GIL.
#include <pybind11/stl.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "bindings.hpp"
#include "catalog_bindings.hpp"
#include "imagebank/catalog/catalog_store.hpp"
#include "imagebank/catalog/job_queue.hpp"
#include "imagebank/catalog/jobs.hpp"
#include "job_states.hpp"

namespace imagebank::python {
namespace {

using JobPages = PageIterator<Job>;
using ProductPages = PageIterator<Product>;

std::string quoted(const std::string& s) {
  return py::repr(py::str(s)).cast<std::string>();
}

std::string id_or_none(const std::optional<RowId>& id) {
  return id ? std::to_string(*id) : "None";
}

void check_page_size(std::size_t page_size) {
  if (page_size == 0 || page_size > 10000) {
    check(invalid_argument_error("page_size must be 1..10000, not " +
                                 std::to_string(page_size)));
  }
}

void bind_types(py::module_& m) {
  py::class_<Batch>(m, "Batch",
                    "An ingest batch: its state (a BatchState); receiving is "
                    "True until every file has its job.")
      .def_readonly("id", &Batch::id)
      .def_readonly("collection_id", &Batch::collection_id)
      .def_readonly("state", &Batch::state)
      .def_readonly("source", &Batch::source)
      .def_readonly("receiving", &Batch::receiving)
      .def_readonly("analysis", &Batch::analysis,
                    "The analyzers that describe its new images (URIs, "
                    "comma-separated); '' for none.")
      .def_readonly("group_id", &Batch::group_id,
                    "The parts of one URL list share a group: the id of its "
                    "first part (0 for a batch alone).")
      .def_readonly("part", &Batch::part,
                    "Its place in its group, from 1 (0 for a batch alone).")
      .def_readonly("created_ms", &Batch::created_ms)
      .def_readonly("updated_ms", &Batch::updated_ms)
      .def("__eq__", eq_method<Batch>(), py::arg("other"))
      .def("__repr__", [](const Batch& b) {
        return "Batch(id=" + std::to_string(b.id) +
               ", state=" + quoted(std::string(batch_state_name(b.state))) +
               ", receiving=" + (b.receiving ? "True" : "False") +
               (b.part > 0 ? ", group_id=" + std::to_string(b.group_id) +
                                 ", part=" + std::to_string(b.part)
                           : std::string()) +
               ")";
      });

  py::class_<Job>(m, "Job",
                  "One file of an ingest batch: its state (a JobState) and, "
                  "once it failed (or while it waits for a retry), its error "
                  "as the imagebank.Error subclass of its code, not raised.")
      .def_readonly("id", &Job::id)
      .def_readonly("batch_id", &Job::batch_id)
      .def_readonly("kind", &Job::kind,
                    "A JobKind: process (a file) or analyze (its image).")
      .def_readonly("original_name", &Job::original_name)
      .def_readonly("sha256", &Job::sha256)
      .def_readonly("bytes", &Job::bytes)
      .def_readonly("source_path", &Job::source_path)
      .def_readonly("state", &Job::state)
      .def_readonly("attempts", &Job::attempts)
      .def_readonly("worker", &Job::worker)
      .def_readonly("lease_until_ms", &Job::lease_until_ms)
      .def_property_readonly(
          "error", [](const Job& j) { return error_instance(j.error); },
          "Why it failed (its class says the code, str() the message); None "
          "when it has not.")
      .def_readonly("image_id", &Job::image_id)
      .def_readonly("created_ms", &Job::created_ms)
      .def_readonly("updated_ms", &Job::updated_ms)
      .def("__eq__", eq_method<Job>(), py::arg("other"))
      .def("__repr__", [](const Job& j) {
        std::string out =
            "Job(id=" + std::to_string(j.id) +
            ", batch_id=" + std::to_string(j.batch_id) +
            ", original_name=" + quoted(j.original_name) +
            ", state=" + quoted(std::string(job_state_name(j.state)));
        if (j.image_id) out += ", image_id=" + std::to_string(*j.image_id);
        if (!j.error.ok()) out += ", error=" + quoted(j.error.to_string());
        return out + ")";
      });

  py::class_<JobInsert>(m, "JobInsert",
                        "A received file, for JobQueue.add_jobs. state: "
                        "received (to process), duplicate (image_id set) or "
                        "failed (error set: an imagebank.Error instance).")
      .def(py::init([](std::string source_path, std::string original_name,
                       std::string sha256, std::uint64_t bytes, JobState state,
                       std::optional<ErrorObject> error,
                       std::optional<RowId> image_id) {
             JobInsert j;
             j.source_path = std::move(source_path);
             j.original_name = std::move(original_name);
             j.sha256 = std::move(sha256);
             j.bytes = bytes;
             j.state = state;
             if (error) j.error = status_of(*error);
             j.image_id = image_id;
             return j;
           }),
           py::arg("source_path"), py::kw_only(), py::arg("original_name") = "",
           py::arg("sha256") = "", py::arg("bytes") = 0,
           py::arg_v("state", JobState::kReceived, "'received'"),
           py::arg("error") = py::none(), py::arg("image_id") = py::none())
      .def_readwrite("source_path", &JobInsert::source_path)
      .def_readwrite("original_name", &JobInsert::original_name)
      .def_readwrite("sha256", &JobInsert::sha256)
      .def_readwrite("bytes", &JobInsert::bytes)
      .def_readwrite("state", &JobInsert::state)
      .def_property(
          "error", [](const JobInsert& j) { return error_instance(j.error); },
          [](JobInsert& j, std::optional<ErrorObject> error) {
            j.error = error ? status_of(*error) : Status();
          })
      .def_readwrite("image_id", &JobInsert::image_id)
      .def_readwrite("conflicts", &JobInsert::conflicts,
                     "A duplicate's cross-SKU conflicts (ConflictFinding).")
      .def("__repr__", [](const JobInsert& j) {
        return "JobInsert(source_path=" + quoted(j.source_path) +
               ", state=" + quoted(std::string(job_state_name(j.state))) + ")";
      });

  py::class_<LeaseOptions>(
      m, "LeaseOptions",
      "What JobQueue.lease_jobs asks for: up to max_jobs due jobs for "
      "`worker`, leased for lease_ms, of one batch or of every runnable one.")
      .def(py::init([](std::string worker, std::size_t max_jobs,
                       std::int64_t lease_ms, std::optional<RowId> batch_id,
                       JobKind kind) {
             LeaseOptions o;
             o.worker = std::move(worker);
             o.max_jobs = max_jobs;
             o.lease_ms = lease_ms;
             o.batch_id = batch_id;
             o.kind = kind;
             return o;
           }),
           py::arg("worker"), py::kw_only(), py::arg("max_jobs") = 1,
           py::arg("lease_ms") = LeaseOptions{}.lease_ms,
           py::arg("batch_id") = py::none(),
           py::arg_v("kind", JobKind::kProcess, "'process'"))
      .def_readwrite("worker", &LeaseOptions::worker)
      .def_readwrite("kind", &LeaseOptions::kind)
      .def_readwrite("max_jobs", &LeaseOptions::max_jobs)
      .def_readwrite("lease_ms", &LeaseOptions::lease_ms)
      .def_readwrite("batch_id", &LeaseOptions::batch_id)
      .def("__repr__", [](const LeaseOptions& o) {
        return "LeaseOptions(worker=" + quoted(o.worker) +
               ", max_jobs=" + std::to_string(o.max_jobs) +
               ", lease_ms=" + std::to_string(o.lease_ms) +
               ", batch_id=" + id_or_none(o.batch_id) +
               ", kind=" + quoted(std::string(job_kind_name(o.kind))) + ")";
      });

  py::class_<NearDuplicate>(
      m, "NearDuplicate",
      "A near-duplicate flagged for review: image_id looks like "
      "other_image_id (Hamming distance of their hashes).")
      .def(py::init([](RowId other_image_id, int distance, RowId image_id,
                       std::string algorithm) {
             return NearDuplicate{image_id, other_image_id, distance,
                                  std::move(algorithm)};
           }),
           py::arg("other_image_id"), py::arg("distance"), py::kw_only(),
           py::arg("image_id") = 0, py::arg("algorithm") = "phash")
      .def_readwrite("image_id", &NearDuplicate::image_id)
      .def_readwrite("other_image_id", &NearDuplicate::other_image_id)
      .def_readwrite("distance", &NearDuplicate::distance)
      .def_readwrite("algorithm", &NearDuplicate::algorithm)
      .def("__eq__", eq_method<NearDuplicate>(), py::arg("other"))
      .def("__repr__", [](const NearDuplicate& d) {
        return "NearDuplicate(image_id=" + std::to_string(d.image_id) +
               ", other_image_id=" + std::to_string(d.other_image_id) +
               ", distance=" + std::to_string(d.distance) +
               ", algorithm=" + quoted(d.algorithm) + ")";
      });

  py::class_<JobOutcome>(m, "JobOutcome",
                         "What JobQueue.complete_job commits with the "
                         "job's end: the image, its variants and "
                         "near-duplicates (their image_id is set by the "
                         "store).")
      .def(py::init([](ImageRecord image, std::vector<VariantRecord> variants,
                       std::vector<NearDuplicate> near_duplicates,
                       std::vector<ConflictFinding> conflicts) {
             return JobOutcome{std::move(image), std::move(variants),
                               std::move(near_duplicates),
                               std::move(conflicts)};
           }),
           py::arg("image"), py::arg("variants") = std::vector<VariantRecord>{},
           py::arg("near_duplicates") = std::vector<NearDuplicate>{},
           py::arg("conflicts") = std::vector<ConflictFinding>{})
      .def_readwrite("image", &JobOutcome::image)
      .def_readwrite("variants", &JobOutcome::variants)
      .def_readwrite("near_duplicates", &JobOutcome::near_duplicates)
      .def_readwrite("conflicts", &JobOutcome::conflicts,
                     "Cross-SKU conflicts of this file (ConflictFinding).");

  py::class_<JobCounts>(m, "JobCounts", "The jobs of a batch by state.")
      .def_readonly("received", &JobCounts::received,
                    "Waiting, including retries not yet due.")
      .def_readonly("leased", &JobCounts::leased)
      .def_readonly("done", &JobCounts::done)
      .def_readonly("duplicate", &JobCounts::duplicate)
      .def_readonly("failed", &JobCounts::failed)
      .def_readonly("cancelled", &JobCounts::cancelled)
      .def_readonly("finished_since", &JobCounts::finished_since,
                    "Jobs that reached done, duplicate or failed at or after "
                    "the since_ms asked.")
      .def_property_readonly("total", &JobCounts::total, "Every job.")
      .def_property_readonly("open", &JobCounts::open,
                             "Jobs still to process (received + leased).")
      .def("__eq__", eq_method<JobCounts>(), py::arg("other"))
      .def("__repr__", [](const JobCounts& c) {
        return "JobCounts(received=" + std::to_string(c.received) +
               ", leased=" + std::to_string(c.leased) +
               ", done=" + std::to_string(c.done) +
               ", duplicate=" + std::to_string(c.duplicate) +
               ", failed=" + std::to_string(c.failed) +
               ", cancelled=" + std::to_string(c.cancelled) + ")";
      });

  py::class_<ImageHashRow>(m, "ImageHashRow", "An image's id and pHash.")
      .def_readonly("id", &ImageHashRow::id)
      .def_readonly("phash", &ImageHashRow::phash)
      .def("__repr__", [](const ImageHashRow& r) {
        return "ImageHashRow(id=" + std::to_string(r.id) +
               ", phash=" + std::to_string(r.phash) + ")";
      });

  bind_page_iterator<Job>(m, "JobIterator");
}

using QueueClass = py::class_<JobQueue, std::shared_ptr<JobQueue>>;

void bind_batches(QueueClass& q) {
  q.def(
       "create_batch",
       [](JobQueue& c, RowId collection_id, const std::string& source,
          const std::string& analysis) {
         return released<Batch>(
             [&] { return c.create_batch(collection_id, source, analysis); });
       },
       py::arg("collection_id"), py::arg("source") = "", py::kw_only(),
       py::arg("analysis") = "",
       "A new batch, queued and receiving (collection_id 0: none). "
       "analysis: the analyzers that describe its new images ('' for none): "
       "complete_job queues an analyze job for each.")
      .def(
          "get_batch",
          [](JobQueue& c, RowId id) {
            return released<Batch>([&] { return c.get_batch(id); });
          },
          py::arg("id"))
      .def(
          "list_batches",
          [](JobQueue& c) {
            return released<std::vector<Batch>>(
                [&] { return c.list_batches(); });
          },
          "Every batch, by id.")
      .def(
          "set_batch_state",
          [](JobQueue& c, RowId id, BatchState state) {
            return released<Batch>(
                [&] { return c.set_batch_state(id, state); });
          },
          py::arg("id"), py::arg("state"),
          "Moves a batch to a BatchState (or its name); InvalidArgumentError "
          "for another name, ConflictError when the move is not allowed: a "
          "done or cancelled batch stays so. Cancelling cancels its received "
          "jobs.")
      .def(
          "finish_receiving",
          [](JobQueue& c, RowId id) {
            return released<Batch>([&] { return c.finish_receiving(id); });
          },
          py::arg("id"),
          "Every file of the batch has a job: it is done once they are.")
      .def(
          "link_batch",
          [](JobQueue& c, RowId id, RowId group_id, int part) {
            return released<Batch>(
                [&] { return c.link_batch(id, group_id, part); });
          },
          py::arg("id"), py::arg("group_id"), py::arg("part"),
          "Files the batch as part `part` (>= 1) of the group `group_id` (an "
          "existing batch: the group's first part, possibly `id` itself), as "
          "the parts of a URL list are. InvalidArgumentError for part < 1; "
          "NotFoundError for either batch.")
      .def(
          "add_jobs",
          [](JobQueue& c, RowId batch_id, const std::vector<JobInsert>& jobs) {
            return released<std::vector<Job>>(
                [&] { return c.add_jobs(batch_id, jobs); });
          },
          py::arg("batch_id"), py::arg("jobs"),
          "Adds received files as process jobs; a source_path the batch "
          "already has is kept as it was. Returns the stored jobs in input "
          "order.")
      .def(
          "job_source_paths",
          [](JobQueue& c, RowId batch_id) {
            return released<std::vector<std::string>>(
                [&] { return c.job_source_paths(batch_id); });
          },
          py::arg("batch_id"),
          "The source paths of the batch's process "
          "jobs, in id order.")
      .def(
          "list_source_paths",
          [](JobQueue& c, RowId batch_id, const std::string& after,
             std::size_t limit) {
            return released<std::vector<std::string>>(
                [&] { return c.list_source_paths(batch_id, after, limit); });
          },
          py::arg("batch_id"), py::arg("after") = "", py::arg("limit") = 10000,
          "Up to `limit` (1..100000) source paths of the batch's process jobs "
          "that sort after `after`, in byte order (of their UTF-8), whatever "
          "the database's collation.")
      .def(
          "get_job",
          [](JobQueue& c, RowId id) {
            return released<Job>([&] { return c.get_job(id); });
          },
          py::arg("id"))
      .def(
          "list_jobs",
          [](const std::shared_ptr<JobQueue>& c, RowId batch_id,
             std::optional<JobState> state, RowId after_id,
             std::size_t page_size) {
            check_page_size(page_size);
            return JobPages(
                [c, batch_id, state, page_size](RowId after) {
                  return c->list_jobs(batch_id, state, after, page_size);
                },
                after_id);
          },
          py::arg("batch_id"), py::arg("state") = py::none(), py::kw_only(),
          py::arg("after_id") = 0, py::arg("page_size") = 1000,
          "Iterates over the batch's jobs (of one state, or all) with id > "
          "after_id, in id order, a page at a time.");
}

void bind_leases(QueueClass& q) {
  q.def(
       "lease_jobs",
       [](JobQueue& c, const LeaseOptions& options) {
         return released<std::vector<Job>>(
             [&] { return c.lease_jobs(options); });
       },
       py::arg("options"),
       "Leases up to options.max_jobs due jobs of options.kind from "
       "runnable batches, counting an attempt on each; a queued batch "
       "becomes running.")
      .def(
          "renew_leases",
          [](JobQueue& c, const std::string& worker,
             const std::vector<RowId>& job_ids, std::int64_t lease_ms) {
            return released<std::int64_t>(
                [&] { return c.renew_leases(worker, job_ids, lease_ms); });
          },
          py::arg("worker"), py::arg("job_ids"), py::arg("lease_ms"),
          "Extends the leases `worker` still holds among job_ids; returns how "
          "many it holds.")
      .def(
          "complete_job",
          [](JobQueue& c, RowId job_id, const std::string& worker,
             const JobOutcome& outcome) {
            return released<ImageInsert>(
                [&] { return c.complete_job(job_id, worker, outcome); });
          },
          py::arg("job_id"), py::arg("worker"), py::arg("outcome"),
          "Ends a leased job: stores its image in the catalog (or finds the "
          "one with that sha256: the job is then a duplicate), variants and "
          "near-duplicates in one transaction, and queues an analyze job "
          "for a new image when the batch has `analysis`. ConflictError when "
          "`worker` no longer holds the lease; InvalidArgumentError for an "
          "analyze job.")
      .def(
          "finish_job",
          [](JobQueue& c, RowId job_id, const std::string& worker) {
            return released<Job>([&] { return c.finish_job(job_id, worker); });
          },
          py::arg("job_id"), py::arg("worker"),
          "Ends a leased job that commits nothing of its own (an analyze "
          "job) as done. ConflictError when `worker` no longer holds the "
          "lease.")
      .def(
          "set_job_content",
          [](JobQueue& c, RowId job_id, const std::string& worker,
             const std::string& sha256, std::uint64_t bytes) {
            return released<Job>([&] {
              return c.set_job_content(job_id, worker, sha256, bytes);
            });
          },
          py::arg("job_id"), py::arg("worker"), py::arg("sha256"),
          py::arg("bytes"),
          "Records the content of a leased process job's file found only "
          "once it ran (a URL-list job's fetched bytes): its SHA-256 (64 "
          "lowercase hex digits) and size, as add_jobs records a folder's "
          "file; the same values again change nothing. ConflictError when "
          "`worker` no longer holds the lease or the job has another "
          "sha256; InvalidArgumentError for a malformed sha256.")
      .def(
          "fail_job",
          [](JobQueue& c, RowId job_id, const std::string& worker,
             const ErrorObject& error, std::optional<std::int64_t> retry_at) {
            const Status failure = status_of(error);
            return released<Job>(
                [&] { return c.fail_job(job_id, worker, failure, retry_at); });
          },
          py::arg("job_id"), py::arg("worker"), py::arg("error"),
          py::arg("retry_at_ms") = py::none(),
          "A leased job failed with `error` (an imagebank.Error instance: its "
          "code and message are stored): with retry_at_ms it waits (received) "
          "until then, else it is failed for good. ConflictError when "
          "`worker` no longer holds the lease.")
      .def(
          "release_leases",
          [](JobQueue& c, std::int64_t now_ms,
             std::optional<std::string> worker, int max_attempts) {
            return released<std::int64_t>(
                [&] { return c.release_leases(now_ms, worker, max_attempts); });
          },
          py::arg("now_ms"), py::arg("worker") = py::none(),
          py::arg("max_attempts") = 3,
          "Leases that expired before now_ms (or every lease of `worker`) go "
          "back to received, or to failed once they used max_attempts. "
          "Returns how many.")
      .def(
          "lease_holders",
          [](JobQueue& c) {
            return released<std::vector<std::string>>(
                [&] { return c.lease_holders(); });
          },
          "The distinct holders of current leases.")
      .def(
          "retry_failed_jobs",
          [](JobQueue& c, RowId batch_id, bool only_retryable) {
            return released<std::int64_t>(
                [&] { return c.retry_failed_jobs(batch_id, only_retryable); });
          },
          py::arg("batch_id"), py::arg("only_retryable") = false,
          "Failed jobs of the batch go back to received with no attempts used "
          "(only_retryable: only those whose error code is io_error, "
          "unavailable or rate_limited, the failures a resume may cure). "
          "Returns how many.")
      .def(
          "job_counts",
          [](JobQueue& c, RowId batch_id, std::int64_t since_ms,
             std::optional<JobKind> kind) {
            return released<JobCounts>(
                [&] { return c.job_counts(batch_id, since_ms, kind); });
          },
          py::arg("batch_id"), py::arg("since_ms") = 0, py::kw_only(),
          py::arg("kind") = py::none(),
          "The batch's jobs (of one JobKind, or all) by state.");
}

void bind_queries(py::class_<CatalogStore, std::shared_ptr<CatalogStore>>& s) {
  s.def(
       "list_products",
       [](const std::shared_ptr<CatalogStore>& c, RowId collection_id,
          RowId after_id, std::size_t page_size) {
         check_page_size(page_size);
         return ProductPages(
             [c, collection_id, page_size](RowId after) {
               return c->list_products(collection_id, after, page_size);
             },
             after_id);
       },
       py::arg("collection_id"), py::kw_only(), py::arg("after_id") = 0,
       py::arg("page_size") = 1000,
       "Iterates over the collection's products with id > after_id, in id "
       "order, a page at a time.")
      .def(
          "image_hashes",
          [](CatalogStore& c, RowId after_id, std::size_t limit) {
            return released<std::vector<ImageHashRow>>(
                [&] { return c.image_hashes(after_id, limit); });
          },
          py::arg("after_id") = 0, py::arg("limit") = 10000,
          "id and pHash of up to `limit` images with id > after_id, in id "
          "order.")
      .def(
          "near_duplicates",
          [](CatalogStore& c, std::optional<RowId> image_id,
             RowId after_image_id, std::size_t limit) {
            return released<std::vector<NearDuplicate>>([&] {
              return c.near_duplicates(image_id, after_image_id, limit);
            });
          },
          py::arg("image_id") = py::none(), py::arg("after_image_id") = 0,
          py::arg("limit") = 1000,
          "The near-duplicates flagged for review, of one image (either side) "
          "or of all, by image id. A page holds every row of its last image: "
          "pass that image_id back as after_image_id.");
}

}  // namespace

void init_jobs(py::module_& m) {
  init_job_states(m);
  bind_types(m);
  py::class_<CatalogStore, std::shared_ptr<CatalogStore>> store(
      m.attr("CatalogStore"));
  bind_queries(store);
  QueueClass queue(m.attr("JobQueue"));
  bind_batches(queue);
  bind_leases(queue);
}

}  // namespace imagebank::python
