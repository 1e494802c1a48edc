# Import faq_service first: it sets the numeric libraries' thread settings before numpy loads, so the
# bare encoder measured here runs under the same settings as the service it is compared with.
import faq_service  # noqa: F401
