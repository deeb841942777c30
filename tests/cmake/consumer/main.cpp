// Probes the files named on the command line through the public API only.
#include <cstdio>
#include <imagebank/image/probe.hpp>
#include <imagebank/version.hpp>

int main(int argc, char** argv) {
  std::printf("imagebank %s\n", imagebank::kVersion);
  int failures = 0;
  for (int i = 1; i < argc; ++i) {
    const imagebank::Result<imagebank::ImageInfo> info =
        imagebank::probe(std::filesystem::path(argv[i]));
    if (!info.ok()) {
      std::printf("%s\n", info.status().to_string().c_str());
      ++failures;
      continue;
    }
    std::printf("%s %ux%u orientation=%d\n",
                std::string(imagebank::format_name(info->format)).c_str(),
                info->width, info->height, info->orientation);
  }
  return failures == 0 ? 0 : 1;
}
