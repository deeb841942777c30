// Boost.URL compiled into the server (Debian ships its headers with
// libboost1.81-dev but no library): this is its one translation unit.
#include <boost/url/src.hpp>
